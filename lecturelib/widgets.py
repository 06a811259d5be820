"""Explorers: sliders over a function's parameters that work live and on the static site.

``explore(fn, alpha=[...], beta=[...])`` wraps a *pure* function that returns a matplotlib
figure. In a live Jupyter kernel it shows ipywidgets sliders that call ``fn``. When the notebook
is executed to build the static site (``LECTURELIB_STATIC=1``, see :func:`lecturelib.is_static`)
it calls ``fn`` once for every combination of values and embeds the images in a small HTML
slider that needs no kernel, only the browser.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from .env import is_static

__all__ = ["explore", "StaticExplorer", "MAX_FRAMES"]

_display_ids = itertools.count(1)
MAX_FRAMES = 64  # more frames make a page heavy (each frame is a PNG of about 20-40 kB)


def _labels(values: list[Any]) -> list[str]:
    """Slider labels: floats with 4 significant digits, more if needed to tell them apart."""
    for digits in (4, 6, 8, 12, 17):
        labels = [f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in values]
        if len(set(labels)) == len(labels):
            break
    return labels


def _png(fig: Any, dpi: int) -> bytes:
    if not isinstance(fig, Figure):
        raise TypeError(
            f"explore() needs fn to return a matplotlib Figure, got {type(fig).__name__}; "
            "end fn with `return fig`"
        )
    from PIL import Image  # Pillow ships with matplotlib

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    # a 256-colour palette makes line plots about 4x smaller with no visible change
    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass
class StaticExplorer:
    """A slider over precomputed frames, rendered as self-contained HTML (no kernel needed)."""

    names: list[str]
    labels: list[list[str]]  # per parameter, the text shown for each value
    frames: list[bytes]  # PNG bytes in row-major order over the parameters
    initial: list[int]  # index of the starting value of each parameter

    def frame_index(self, positions: Sequence[int]) -> int:
        """Row-major index of the frame for the given slider positions."""
        index = 0
        for pos, labels in zip(positions, self.labels):
            index = index * len(labels) + pos
        return index

    def _repr_html_(self) -> str:
        # unique per display, so two explorers (or one shown twice) never share sliders
        uid = f"lx-{hashlib.sha1(b''.join(self.frames)).hexdigest()[:10]}-{next(_display_ids)}"
        encoded = [base64.b64encode(f).decode("ascii") for f in self.frames]
        first = encoded[self.frame_index(self.initial)]
        controls = "".join(
            f'<label class="lx-control"><span class="lx-name">{html.escape(name)}</span>'
            f'<input type="range" min="0" max="{len(labels) - 1}" step="1" value="{start}" '
            f'aria-label="{html.escape(name)}">'
            f'<output class="lx-value">{html.escape(labels[start])}</output></label>'
            for name, labels, start in zip(self.names, self.labels, self.initial)
        )
        # "</" inside a <script> element would end it early: JSON allows the escape "<\\/"
        data = json.dumps({"labels": self.labels, "frames": encoded}).replace("</", "<\\/")
        script = (
            "(function(){var root=document.getElementById('" + uid + "');"
            "var data=JSON.parse(root.querySelector('script.lx-data').textContent);"
            "var inputs=root.querySelectorAll('input[type=range]');"
            "var outs=root.querySelectorAll('output.lx-value');"
            "var img=root.querySelector('img.lx-frame');"
            "function update(){var k=0;for(var i=0;i<inputs.length;i++){"
            "var p=parseInt(inputs[i].value,10);k=k*data.labels[i].length+p;"
            "outs[i].textContent=data.labels[i][p];}"
            "img.src='data:image/png;base64,'+data.frames[k];}"
            "for(var i=0;i<inputs.length;i++){inputs[i].addEventListener('input',update);}"
            "})();"
        )
        return (
            f'<div class="lecturelib-explorer" id="{uid}">'
            '<style>.lecturelib-explorer .lx-control{display:flex;align-items:center;gap:.6em;'
            'margin:.2em 0;font-family:var(--pst-font-family-monospace,monospace);font-size:.9em}'
            '.lecturelib-explorer .lx-name{min-width:8em}'
            '.lecturelib-explorer input[type=range]{flex:1;max-width:22em}'
            '.lecturelib-explorer img{max-width:100%;height:auto}</style>'
            f'<div class="lx-controls">{controls}</div>'
            f'<img class="lx-frame" alt="explorer frame" src="data:image/png;base64,{first}">'
            f'<script type="application/json" class="lx-data">{data}</script>'
            f"<script>{script}</script></div>"
        )

    def __repr__(self) -> str:
        axes = ", ".join(f"{n} ({len(v)} values)" for n, v in zip(self.names, self.labels))
        return (
            f"Explorer over {axes}: {len(self.frames)} precomputed frames; "
            "run the notebook for live sliders"
        )


def _check_params(params: dict[str, Sequence[Any]]) -> dict[str, list[Any]]:
    if not params:
        raise ValueError("explore() needs at least one parameter, e.g. explore(fn, alpha=[0.1, 1])")
    checked = {}
    for name, values in params.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise TypeError(f"parameter {name!r} must be a list of values, got {values!r}")
        values = list(values)
        if not values:
            raise ValueError(f"parameter {name!r} has no values")
        checked[name] = values
    return checked


def explore(
    fn: Callable[..., Figure],
    *,
    initial: dict[str, Any] | None = None,
    static: bool | None = None,
    dpi: int = 110,
    **params: Sequence[Any],
) -> Any:
    """Sliders over the parameters of ``fn``: live in a kernel, precomputed on the static site.

    Args:
        fn: a pure function of the named parameters that returns a matplotlib Figure (make it
            with :func:`lecturelib.plot.new_figure` so it is not also shown by pyplot).
        initial: starting value of some parameters (each must be one of its values); default:
            the middle value.
        static: force the static (True) or live (False) form; default:
            :func:`lecturelib.is_static`.
        dpi: resolution of the precomputed frames.
        **params: for each parameter of ``fn``, the list of values the slider offers.

    Returns:
        Live: an ipywidgets ``VBox`` of sliders and the output. Static: a
        :class:`StaticExplorer`, which renders as an HTML slider. Either is displayed when it is
        the last expression of a cell.

    Example:
        >>> from lecturelib.plot import new_figure
        >>> def draw(a):
        ...     fig, ax = new_figure(); ax.plot([0, 1], [0, a]); return fig
        >>> ex = explore(draw, a=[1, 2, 3], static=True)
        >>> len(ex.frames)
        3
    """
    values = _check_params(params)
    initial = dict(initial or {})
    unknown = set(initial) - set(values)
    if unknown:
        raise ValueError(f"initial names unknown parameters: {sorted(unknown)}")
    start = []
    for name, options in values.items():
        if name in initial:
            if initial[name] not in options:
                raise ValueError(f"initial {name}={initial[name]!r} is not among its values")
            start.append(options.index(initial[name]))
        else:
            start.append(len(options) // 2)
    if static if static is not None else is_static():
        return _static(fn, values, start, dpi)
    return _live(fn, values, start)


def _static(
    fn: Callable[..., Figure], values: dict[str, list[Any]], start: list[int], dpi: int
) -> StaticExplorer:
    count = 1
    for options in values.values():
        count *= len(options)
    if count > MAX_FRAMES:
        raise ValueError(
            f"the static explorer would need {count} frames (more than {MAX_FRAMES}); "
            "offer fewer values per parameter"
        )
    names = list(values)
    frames = [
        _png(fn(**dict(zip(names, combo))), dpi)
        for combo in itertools.product(*values.values())
    ]
    labels = [_labels(options) for options in values.values()]
    return StaticExplorer(names=names, labels=labels, frames=frames, initial=start)


def _live(fn: Callable[..., Figure], values: dict[str, list[Any]], start: list[int]) -> Any:
    import ipywidgets as widgets  # imported only for live use
    from IPython.display import display

    sliders = {
        name: widgets.SelectionSlider(
            options=list(zip(_labels(options), options)),
            value=options[pos],
            description=name,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        for (name, options), pos in zip(values.items(), start)
    }
    out = widgets.Output()

    def redraw(**kwargs: Any) -> None:
        with out:
            out.clear_output(wait=True)
            display(fn(**kwargs))

    widgets.interactive_output(redraw, sliders)  # draws once now, then on every change
    return widgets.VBox([*sliders.values(), out])
