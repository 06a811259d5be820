"""Tests of lecturelib.widgets: the static (precomputed) and live explorers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import base64  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from lecturelib.widgets import MAX_FRAMES, StaticExplorer, explore  # noqa: E402

DPI = 20  # tiny frames: the tests are about the plumbing, not the pictures



class Recorder:
    """A pure drawing function that records its calls and paints its arguments as a colour."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, **kwargs) -> Figure:
        self.calls.append(kwargs)
        fig = Figure(figsize=(1, 1))
        fig.patch.set_facecolor(self.colour(**kwargs))
        return fig

    @staticmethod
    def colour(a=0, b=0, c=0) -> tuple[float, float, float]:
        return tuple(v / 4 if isinstance(v, (int, float)) else 0.0 for v in (a, b, c))


def _pixel(png: bytes) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((2, 2))


def _close(pixel: tuple[int, int, int], colour: tuple[float, ...]) -> bool:
    return all(abs(p - round(255 * c)) <= 6 for p, c in zip(pixel, colour, strict=True))


# ---------------------------------------------------------------- static explorer


def test_static_frames_count_order_and_png() -> None:
    fn = Recorder()
    a, b = [0, 1, 2], [3, 4]
    ex = explore(fn, a=a, b=b, static=True, dpi=DPI)
    assert isinstance(ex, StaticExplorer)
    assert len(ex.frames) == 6 == len(a) * len(b)
    assert all(frame.startswith(b"\x89PNG") for frame in ex.frames)
    assert fn.calls == [{"a": x, "b": y} for x, y in itertools.product(a, b)]  # row-major
    assert ex.names == ["a", "b"]
    assert ex.labels == [["0", "1", "2"], ["3", "4"]]


def test_static_frame_index_matches_the_call_order_and_the_pictures() -> None:
    fn = Recorder()
    a, b = [0, 2, 4], [1, 3]
    ex = explore(fn, a=a, b=b, static=True, dpi=DPI)
    for i, j in itertools.product(range(3), range(2)):
        k = ex.frame_index((i, j))
        assert k == 2 * i + j
        assert fn.calls[k] == {"a": a[i], "b": b[j]}
        assert _close(_pixel(ex.frames[k]), Recorder.colour(a[i], b[j])), (i, j)


def test_static_frame_index_three_parameters() -> None:
    ex = StaticExplorer(names=["x", "y", "z"], labels=[["0", "1"], ["0", "1", "2"], ["0"] * 4],
                        frames=[b""] * 24, initial=[0, 0, 0])
    assert [ex.frame_index(p) for p in itertools.product(range(2), range(3), range(4))] == list(
        range(24))


def test_static_default_initial_is_the_middle() -> None:
    ex = explore(Recorder(), a=[0, 1, 2], b=[1, 2, 3, 4], c=[3], static=True, dpi=DPI)
    assert ex.initial == [1, 2, 0]


def test_static_initial_values() -> None:
    ex = explore(Recorder(), initial={"b": 1, "a": 0}, a=[0, 1, 2], b=[4, 1], static=True,
                 dpi=DPI)
    assert ex.initial == [0, 1]


def test_static_html() -> None:
    fn = Recorder()
    ex = explore(fn, initial={"a": 3}, a=[0, 1, 2, 3], b=[0.5, 1.0 / 3], static=True, dpi=DPI)
    html = ex._repr_html_()
    inputs = re.findall(r'<input type="range"[^>]*>', html)
    assert len(inputs) == 2
    assert 'max="3"' in inputs[0] and 'value="3"' in inputs[0] and 'aria-label="a"' in inputs[0]
    assert 'max="1"' in inputs[1] and 'value="1"' in inputs[1] and 'aria-label="b"' in inputs[1]
    assert '<output class="lx-value">3</output>' in html
    assert '<output class="lx-value">0.3333</output>' in html  # floats shown with 4 digits
    (payload,) = re.findall(
        r'<script type="application/json" class="lx-data">(.*?)</script>', html, re.S)
    data = json.loads(payload)
    assert data["labels"] == [["0", "1", "2", "3"], ["0.5", "0.3333"]]
    assert [base64.b64decode(f) for f in data["frames"]] == ex.frames
    first = re.search(r'<img class="lx-frame"[^>]*src="data:image/png;base64,([^"]+)"', html)
    assert base64.b64decode(first.group(1)) == ex.frames[ex.frame_index([3, 1])]
    assert re.search(r"<script>\(function\(\)\{.*\}\)\(\);</script>", html, re.S)
    uid = re.search(r'<div class="lecturelib-explorer" id="([^"]+)"', html).group(1)
    assert f"getElementById('{uid}')" in html


def test_static_html_escapes_names_and_labels() -> None:
    ex = StaticExplorer(names=["a<b"], labels=[["x&y", "<i>"]], frames=[b"1", b"2"],
                        initial=[1])
    html = ex._repr_html_()
    assert "a&lt;b" in html and "<output class=\"lx-value\">&lt;i&gt;</output>" in html
    assert "a<b" not in html.split("<script")[0]


def test_static_html_survives_script_tags_in_labels() -> None:
    ex = StaticExplorer(names=["s"], labels=[["</script><b>oops"]], frames=[b"1"], initial=[0])
    html = ex._repr_html_()
    assert html.count("</script>") == 2


def test_static_repr() -> None:
    ex = explore(Recorder(), a=[0, 1, 2], b=[1, 2], static=True, dpi=DPI)
    text = repr(ex)
    assert "a (3 values)" in text and "b (2 values)" in text
    assert "6 precomputed frames" in text


def test_static_initial_unknown_name() -> None:
    fn = Recorder()
    with pytest.raises(ValueError, match=r"initial names unknown parameters: \['z'\]"):
        explore(fn, initial={"z": 1}, a=[0, 1], static=True)
    assert fn.calls == []


def test_static_initial_value_not_among_options() -> None:
    fn = Recorder()
    with pytest.raises(ValueError, match="initial a=5 is not among its values"):
        explore(fn, initial={"a": 5}, a=[0, 1], static=True)
    assert fn.calls == []


def test_static_too_many_frames() -> None:
    fn = Recorder()
    with pytest.raises(ValueError, match=f"would need {MAX_FRAMES + 1} frames"):
        explore(fn, a=list(range(MAX_FRAMES + 1)), static=True)
    with pytest.raises(ValueError, match="more than 64"):
        explore(fn, a=list(range(9)), b=list(range(8)), static=True)
    assert fn.calls == []  # refused before drawing anything


def test_static_fn_must_return_a_figure() -> None:
    with pytest.raises(TypeError, match="needs fn to return a matplotlib Figure, got NoneType"):
        explore(lambda a: None, a=[1, 2], static=True)
    with pytest.raises(TypeError, match="got tuple"):
        explore(lambda a: (Figure(), None), a=[1], static=True)


def test_no_parameters() -> None:
    with pytest.raises(ValueError, match="at least one parameter"):
        explore(Recorder(), static=True)
    with pytest.raises(ValueError, match="at least one parameter"):
        explore(Recorder(), static=False)


@pytest.mark.parametrize("values", ["abc", b"ab", 3, (x for x in [1, 2])])
def test_parameter_must_be_a_list(values) -> None:
    with pytest.raises(TypeError, match="parameter 'a' must be a list of values"):
        explore(Recorder(), a=values, static=True)


@pytest.mark.parametrize("values", [[], (), range(0)])
def test_parameter_with_no_values(values) -> None:
    with pytest.raises(ValueError, match="parameter 'a' has no values"):
        explore(Recorder(), a=values, static=True)


def test_parameter_tuple_and_range_are_accepted() -> None:
    fn = Recorder()
    ex = explore(fn, a=(0, 1), b=range(2), static=True, dpi=DPI)
    assert len(ex.frames) == 4
    assert fn.calls[-1] == {"a": 1, "b": 1}


def test_static_none_follows_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTURELIB_STATIC", "1")
    assert isinstance(explore(Recorder(), a=[1], dpi=DPI), StaticExplorer)
    monkeypatch.setenv("LECTURELIB_STATIC", "0")
    assert isinstance(explore(Recorder(), a=[1]), ipywidgets.VBox)
    monkeypatch.delenv("LECTURELIB_STATIC")
    assert isinstance(explore(Recorder(), a=[1]), ipywidgets.VBox)


def test_static_true_overrides_env() -> None:
    assert isinstance(explore(Recorder(), a=[1], static=True, dpi=DPI), StaticExplorer)


def test_static_false_overrides_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTURELIB_STATIC", "1")
    assert isinstance(explore(Recorder(), a=[1], static=False), ipywidgets.VBox)


# ---------------------------------------------------------------- live explorer


def test_live_explorer_widgets_and_callbacks(capsys) -> None:
    fn = Recorder()
    box = explore(fn, initial={"b": "y"}, a=[1, 2, 3], b=["x", "y"], static=False)
    assert isinstance(box, ipywidgets.VBox)
    sa, sb, out = box.children
    assert isinstance(sa, ipywidgets.SelectionSlider)
    assert isinstance(sb, ipywidgets.SelectionSlider)
    assert isinstance(out, ipywidgets.Output)
    assert (sa.description, sb.description) == ("a", "b")
    assert sa.options == (("1", 1), ("2", 2), ("3", 3))
    assert (sa.value, sb.value) == (2, "y")  # middle of a, the given initial of b
    assert fn.calls == [{"a": 2, "b": "y"}]  # drawn once up front
    sa.value = 3
    assert fn.calls[-1] == {"a": 3, "b": "y"}
    sb.value = "x"
    assert fn.calls[-1] == {"a": 3, "b": "x"}
    assert len(fn.calls) == 3
    assert plt.get_fignums() == []


def test_live_explorer_float_labels() -> None:
    box = explore(Recorder(), a=[0.1, 1 / 3, 2.0], static=False)
    assert [label for label, _ in box.children[0].options] == ["0.1", "0.3333", "2"]
    assert box.children[0].value == 1 / 3


def test_live_explorer_checks_initial() -> None:
    with pytest.raises(ValueError, match="not among its values"):
        explore(Recorder(), initial={"a": 9}, a=[1, 2], static=False)
