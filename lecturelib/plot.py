"""The book's figures: one matplotlib style and a few plotting helpers.

Every helper takes data, draws it and returns the :class:`~matplotlib.figure.Figure`; none of
them trains, reads globals or shows anything by itself. Figures are made with
``matplotlib.figure.Figure`` rather than ``pyplot``, so a figure appears exactly once: when the
cell's last expression is the figure (or it is passed to ``display``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "BOOK_STYLE",
    "use_book_style",
    "new_figure",
    "plot_history",
    "show_images",
    "plot_contour",
    "plot_path",
]

# Colour-blind-safe cycle (Okabe-Ito), sizes chosen for a page about 700 px wide
BOOK_STYLE: dict[str, Any] = {
    "figure.figsize": (6.4, 3.8),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "font.size": 10.5,
    "axes.titlesize": 11,
    "axes.labelsize": 10.5,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(
        color=["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    ),
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "legend.fontsize": 9.5,
    "image.cmap": "viridis",
    "svg.hashsalt": "lecturelib",  # deterministic SVG ids, so saved figures diff cleanly
}


def use_book_style() -> None:
    """Apply the book's matplotlib style to every figure made from now on."""
    mpl.rcParams.update(BOOK_STYLE)


def new_figure(ncols: int = 1, nrows: int = 1, *, size: tuple[float, float] | None = None,
               **subplot_kw: Any) -> tuple[Figure, Any]:
    """Make a figure (not registered with pyplot) and its axes.

    Args:
        ncols: number of panel columns.
        nrows: number of panel rows.
        size: figure size in inches; default: the style's size, widened per column.
        **subplot_kw: passed to ``Figure.subplots`` (e.g. ``sharey=True``).

    Returns:
        ``(fig, axes)`` as ``Figure.subplots`` returns them.

    Example:
        >>> fig, ax = new_figure()
        >>> type(fig).__name__
        'Figure'
    """
    if size is None:
        width, height = mpl.rcParams["figure.figsize"]
        size = (min(width * (0.55 + 0.45 * ncols), 12.0), height * (0.7 + 0.3 * nrows))
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.subplots(nrows, ncols, **subplot_kw)


def plot_history(history: Any, metrics: Sequence[str] | None = None) -> Figure:
    """Plot per-epoch metrics of a training run, one panel per kind of metric.

    Train and validation versions of a metric (``train_loss`` and ``val_loss``) share a panel.

    Args:
        history: a :class:`lecturelib.History` (or any mapping from metric name to a list of
            per-epoch values).
        metrics: which metrics to plot; default: every recorded one except times.

    Returns:
        The figure.

    Example:
        >>> fig = plot_history({'train_loss': [1.0, 0.5], 'val_loss': [1.1, 0.7]})
        >>> len(fig.axes)
        1
    """
    names = list(metrics) if metrics is not None else [
        m for m in history.keys() if m not in ("epoch", "time")
    ]
    if not names:
        raise ValueError("nothing to plot: the history records no metrics")
    panels: dict[str, list[str]] = {}
    for name in names:
        kind = name.split("_", 1)[1] if name.startswith(("train_", "val_")) else name
        panels.setdefault(kind, []).append(name)
    fig, axes = new_figure(ncols=len(panels), squeeze=False)
    for ax, (kind, members) in zip(axes[0], panels.items()):
        for name in members:
            values = list(history[name])
            ax.plot(range(1, len(values) + 1), values, marker="o", ms=3, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(kind)
        ax.legend()
    return fig


def _as_image_array(images: torch.Tensor | np.ndarray) -> np.ndarray:
    arr = images.detach().float().cpu().numpy() if isinstance(images, torch.Tensor) else images
    arr = np.asarray(arr, dtype=np.float32)
    if arr.ndim == 4 and arr.shape[1] in (1, 3):  # (N, C, H, W) -> (N, H, W, C)
        arr = arr.transpose(0, 2, 3, 1)
    elif arr.ndim == 3:  # (N, H, W): grayscale
        arr = arr[..., None]
    if arr.ndim != 4 or arr.shape[-1] not in (1, 3):
        raise ValueError(
            f"images must have shape (N, C, H, W) or (N, H, W, C) with C in (1, 3), or "
            f"(N, H, W); got "
            f"{tuple(images.shape)}"
        )
    return arr


def show_images(
    images: torch.Tensor | np.ndarray,
    labels: Sequence[Any] | torch.Tensor | None = None,
    *,
    class_names: Sequence[str] | None = None,
    ncols: int = 10,
    title: str | None = None,
    scale: float = 1.0,
) -> Figure:
    """Show a grid of images, optionally with a label above each.

    Args:
        images: (N, C, H, W) or (N, H, W, C) with C in {1, 3}, or (N, H, W); values in
            [0, 1].
        labels: N labels (ints are looked up in ``class_names`` when given).
        class_names: names of the classes.
        ncols: images per row.
        title: figure title.
        scale: size of each image in inches.

    Returns:
        The figure.

    Example:
        >>> fig = show_images(torch.rand(6, 1, 8, 8), labels=list(range(6)), ncols=3)
        >>> len(fig.axes)
        6
    """
    arr = _as_image_array(images)
    n = arr.shape[0]
    if n == 0:
        raise ValueError("no images to show")
    if labels is not None and len(labels) != n:
        raise ValueError(f"got {n} images but {len(labels)} labels")
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(ncols * scale, nrows * scale * (1.18 if labels is not None else 1.0)),
                 layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= n:
            continue
        img = arr[i].clip(0, 1)
        if img.shape[-1] == 1:
            ax.imshow(img[..., 0], cmap="gray", vmin=0, vmax=1)
        else:
            ax.imshow(img)
        if labels is not None:
            label = labels[i]
            label = int(label) if isinstance(label, torch.Tensor) else label
            text = class_names[label] if class_names is not None else str(label)
            ax.set_title(text, fontsize=8, pad=2)
    if title:
        fig.suptitle(title)
    return fig


def _grid_values(
    f: Callable[[torch.Tensor], torch.Tensor], xlim: tuple[float, float],
    ylim: tuple[float, float], resolution: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = torch.linspace(*xlim, resolution, dtype=torch.float64)
    ys = torch.linspace(*ylim, resolution, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    with torch.no_grad():
        z = f(torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1))
    if not isinstance(z, torch.Tensor) or z.numel() != gx.numel():
        raise ValueError(
            "f must map a (M, 2) tensor of points to a tensor of M values; got "
            f"{type(z).__name__} of shape {tuple(getattr(z, 'shape', ()))}"
        )
    return gx.numpy(), gy.numpy(), z.reshape(gx.shape).double().cpu().numpy()


def plot_contour(
    f: Callable[[torch.Tensor], torch.Tensor],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    ax: Axes | None = None,
    levels: int | Sequence[float] = 20,
    resolution: int = 160,
    log: bool = False,
) -> Figure:
    """Draw the level sets of a function of two variables.

    Args:
        f: maps a float64 tensor of points (M, 2) to values (M,).
        xlim: range of the first coordinate.
        ylim: range of the second coordinate.
        ax: axes to draw into; default: a new figure.
        levels: number of levels or the levels themselves.
        resolution: grid points per axis.
        log: space the levels logarithmically (for functions spanning many decades;
            values must then be positive).

    Returns:
        The figure that holds the axes.

    Example:
        >>> fig = plot_contour(lambda p: (p ** 2).sum(1), xlim=(-1, 1), ylim=(-1, 1))
        >>> len(fig.axes)
        1
    """
    if ax is None:
        fig, ax = new_figure()
    gx, gy, z = _grid_values(f, xlim, ylim, resolution)
    if log:
        if (z <= 0).any():
            raise ValueError("log=True needs a positive function; add a constant to f")
        if isinstance(levels, int):
            levels = np.geomspace(z.min(), z.max(), levels)
    ax.contour(gx, gy, z, levels=levels, linewidths=0.8, cmap="viridis")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    return ax.figure


def plot_path(
    ax: Axes, path: torch.Tensor | np.ndarray, *, label: str | None = None,
    color: str | None = None, lw: float = 1.2, max_points: int = 200,
) -> Figure:
    """Draw an optimization trajectory (a sequence of 2-D points) on existing axes.

    Args:
        ax: the axes (typically from :func:`plot_contour`).
        path: (K, 2) iterates theta^0, ..., theta^{K-1}.
        label: legend label.
        color: line colour; default: the next colour of the cycle.
        lw: line width (a wide line drawn first stays visible under a later one).
        max_points: draw at most this many markers (the line is always complete).

    Returns:
        The figure that holds the axes.

    Example:
        >>> fig, ax = new_figure()
        >>> _ = plot_path(ax, torch.tensor([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]]), label='GD')
    """
    pts = path.detach().cpu().numpy() if isinstance(path, torch.Tensor) else np.asarray(path)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"path must have shape (K, 2), got {pts.shape}")
    finite = np.isfinite(pts).all(axis=1)
    pts = pts[: np.argmin(finite) if not finite.all() else len(pts)]  # stop at a blow-up
    (line,) = ax.plot(pts[:, 0], pts[:, 1], "-", lw=lw, color=color, label=label,
                      alpha=0.55 if lw > 2 else 1.0)
    step = max(1, len(pts) // max_points)
    ax.plot(pts[::step, 0], pts[::step, 1], "o", ms=max(3, lw), color=line.get_color())
    ax.plot(pts[:1, 0], pts[:1, 1], "s", ms=6 + lw, color=line.get_color())  # the start
    if label:
        ax.legend(loc="upper right")
    return ax.figure
