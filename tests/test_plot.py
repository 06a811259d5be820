"""Tests of lecturelib.plot: the book style and the plotting helpers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lecturelib.plot import (  # noqa: E402
    BOOK_STYLE,
    new_figure,
    plot_contour,
    plot_history,
    plot_path,
    show_images,
    use_book_style,
)
from lecturelib.train import History  # noqa: E402


def _assert_unregistered_figure(fig: object) -> None:
    assert type(fig) is Figure
    assert plt.get_fignums() == []


def _bowl(p: torch.Tensor) -> torch.Tensor:
    return (p**2).sum(1)


# ---------------------------------------------------------------- style and new_figure


def test_use_book_style_sets_rcparams() -> None:
    matplotlib.rcParams["axes.spines.top"] = True
    matplotlib.rcParams["lines.linewidth"] = 5.0
    matplotlib.rcParams["svg.hashsalt"] = None
    use_book_style()
    assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["axes.spines.right"] is False
    assert matplotlib.rcParams["lines.linewidth"] == 1.8
    assert matplotlib.rcParams["svg.hashsalt"] == "lecturelib"
    assert list(matplotlib.rcParams["figure.figsize"]) == [6.4, 3.8]
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert colors[0] == "#0072B2" and len(colors) == 7
    for key, value in BOOK_STYLE.items():
        if key not in ("axes.prop_cycle", "figure.figsize"):
            assert matplotlib.rcParams[key] == value, key


def test_new_figure_default_size_and_axes() -> None:
    use_book_style()
    fig, ax = new_figure()
    _assert_unregistered_figure(fig)
    assert ax.figure is fig
    width, height = fig.get_size_inches()
    assert width == pytest.approx(6.4) and height == pytest.approx(3.8)


def test_new_figure_grid_and_width_cap() -> None:
    use_book_style()
    fig, axes = new_figure(3, 2, sharey=True)
    assert axes.shape == (2, 3)
    width, height = fig.get_size_inches()
    assert width == pytest.approx(12.0)  # 6.4 * 1.9 = 12.16, capped
    assert height == pytest.approx(3.8 * 1.3)
    fig, ax = new_figure(size=(2.0, 1.5))
    assert tuple(fig.get_size_inches()) == pytest.approx((2.0, 1.5))
    _assert_unregistered_figure(fig)


# ---------------------------------------------------------------- plot_history


def _history() -> History:
    h = History()
    for epoch, (tl, vl, ta, va) in enumerate([(1.0, 1.2, 0.5, 0.4), (0.6, 0.9, 0.7, 0.6),
                                              (0.3, 0.8, 0.9, 0.7)], start=1):
        h.append(epoch=epoch, train_loss=tl, val_loss=vl, train_acc=ta, val_acc=va,
                 lr=0.1 / epoch, time=0.5)
    return h


def _lines(ax) -> dict[str, tuple[list, list]]:
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
            for line in ax.get_lines()}


def test_plot_history_groups_train_and_val() -> None:
    fig = plot_history(_history())
    _assert_unregistered_figure(fig)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "acc", "lr"]
    loss, acc, lr = (_lines(ax) for ax in fig.axes)
    assert loss == {"train_loss": ([1, 2, 3], [1.0, 0.6, 0.3]),
                    "val_loss": ([1, 2, 3], [1.2, 0.9, 0.8])}
    assert set(acc) == {"train_acc", "val_acc"}
    assert list(lr) == ["lr"]
    assert all(ax.get_xlabel() == "epoch" for ax in fig.axes)
    assert all(ax.get_legend() is not None for ax in fig.axes)


def test_plot_history_with_a_dict_and_chosen_metrics() -> None:
    history = {"epoch": [1, 2], "train_loss": [2.0, 1.0], "val_loss": [2.5, 1.5],
               "time": [0.1, 0.1], "val_acc": [0.2, 0.4]}
    fig = plot_history(history)
    _assert_unregistered_figure(fig)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "acc"]  # no epoch / time panels
    fig = plot_history(history, metrics=["val_acc"])
    assert len(fig.axes) == 1
    assert _lines(fig.axes[0]) == {"val_acc": ([1, 2], [0.2, 0.4])}
    fig = plot_history({"train_loss": np.array([3.0, 2.0])}, metrics=("train_loss",))
    assert _lines(fig.axes[0])["train_loss"][1] == [3.0, 2.0]


def test_plot_history_example_from_docstring() -> None:
    fig = plot_history({"train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    assert len(fig.axes) == 1


@pytest.mark.parametrize("history, metrics", [(History(), None), ({}, None),
                                              ({"epoch": [1], "time": [0.1]}, None),
                                              ({"train_loss": [1.0]}, [])])
def test_plot_history_empty(history, metrics) -> None:
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_history(history, metrics)
    assert plt.get_fignums() == []


def test_plot_history_unknown_metric() -> None:
    with pytest.raises(KeyError, match="no metric 'val_f1'"):
        plot_history(_history(), metrics=["val_f1"])


# ---------------------------------------------------------------- show_images


def _shown(fig: Figure) -> list[np.ndarray]:
    return [np.asarray(ax.images[0].get_array()) for ax in fig.axes if ax.images]


def test_show_images_grayscale_nchw() -> None:
    images = torch.rand(6, 1, 5, 4)
    fig = show_images(images, labels=list(range(6)), ncols=3)
    _assert_unregistered_figure(fig)
    assert len(fig.axes) == 6
    shown = _shown(fig)
    assert len(shown) == 6
    for got, want in zip(shown, images, strict=True):
        np.testing.assert_allclose(got, want[0].numpy(), rtol=0, atol=1e-7)
    assert fig.axes[0].images[0].get_cmap().name == "gray"
    assert [ax.get_title() for ax in fig.axes] == ["0", "1", "2", "3", "4", "5"]


def test_show_images_colour_nchw_and_clipping() -> None:
    images = torch.rand(2, 3, 4, 5) * 3 - 1  # values outside [0, 1]
    fig = show_images(images)
    shown = _shown(fig)
    assert shown[0].shape == (4, 5, 3)
    np.testing.assert_allclose(shown[1], images[1].permute(1, 2, 0).clamp(0, 1).numpy(),
                               rtol=0, atol=1e-7)
    assert all(ax.get_title() == "" for ax in fig.axes)


def test_show_images_nhw_tensor_and_numpy() -> None:
    images = np.random.default_rng(0).random((3, 6, 6))
    for data in (images, torch.from_numpy(images)):
        fig = show_images(data)
        shown = _shown(fig)
        assert len(shown) == 3
        np.testing.assert_allclose(shown[2], images[2], rtol=1e-6)
    fig = show_images(np.random.default_rng(1).random((2, 3, 4, 4)).astype(np.float64))
    assert _shown(fig)[0].shape == (4, 4, 3)


def test_show_images_grid_and_hidden_extra_axes() -> None:
    fig = show_images(torch.rand(7, 1, 3, 3), ncols=3, title="seven digits")
    assert len(fig.axes) == 9  # 3 rows of 3
    assert len(_shown(fig)) == 7
    assert all(not ax.axison for ax in fig.axes)
    assert fig.get_suptitle() == "seven digits"
    fig = show_images(torch.rand(2, 1, 3, 3), ncols=10)  # never more columns than images
    assert len(fig.axes) == 2


def test_show_images_labels_with_class_names() -> None:
    names = ("zero", "one", "two")
    fig = show_images(torch.rand(3, 1, 4, 4), labels=torch.tensor([2, 0, 1]), class_names=names)
    assert [ax.get_title() for ax in fig.axes] == ["two", "zero", "one"]
    fig = show_images(torch.rand(2, 1, 4, 4), labels=["cat", "dog"])
    assert [ax.get_title() for ax in fig.axes] == ["cat", "dog"]
    fig = show_images(torch.rand(2, 1, 4, 4), labels=torch.tensor([7, 3]))
    assert [ax.get_title() for ax in fig.axes] == ["7", "3"]


def test_show_images_label_count_mismatch() -> None:
    with pytest.raises(ValueError, match="got 3 images but 2 labels"):
        show_images(torch.rand(3, 1, 4, 4), labels=[0, 1])


@pytest.mark.parametrize("shape", [(2, 2, 4, 4), (4, 4), (2, 1, 1, 4, 4), (5,), (2, 4, 4, 5)])
def test_show_images_bad_shapes(shape) -> None:
    with pytest.raises(ValueError, match=r"images must have shape \(N, C, H, W\)"):
        show_images(torch.rand(*shape))
    with pytest.raises(ValueError, match=r"got \(" + ", ".join(map(str, shape))):
        show_images(np.zeros(shape))


@pytest.mark.parametrize("shape", [(0, 1, 4, 4), (0, 3, 4, 4), (0, 4, 4)])
def test_show_images_zero_images(shape) -> None:
    with pytest.raises(ValueError, match="no images to show"):
        show_images(torch.rand(*shape))


# ---------------------------------------------------------------- plot_contour


def test_plot_contour_plain() -> None:
    seen: list[torch.Tensor] = []

    def f(p: torch.Tensor) -> torch.Tensor:
        seen.append(p)
        return _bowl(p)

    fig = plot_contour(f, xlim=(-1, 2), ylim=(-3, 1), resolution=12, levels=5)
    _assert_unregistered_figure(fig)
    assert len(fig.axes) == 1
    (p,) = seen
    assert p.shape == (144, 2) and p.dtype == torch.float64
    assert p[:, 0].min() == -1 and p[:, 0].max() == 2
    assert p[:, 1].min() == -3 and p[:, 1].max() == 1
    ax = fig.axes[0]
    assert ax.get_xlim() == (-1, 2) and ax.get_ylim() == (-3, 1)
    (cs,) = ax.collections
    assert len(cs.levels) >= 3
    assert ax.get_aspect() == 1.0


def test_plot_contour_explicit_levels() -> None:
    fig = plot_contour(_bowl, xlim=(-1, 1), ylim=(-1, 1), resolution=10, levels=[0.1, 0.5, 1.0])
    np.testing.assert_allclose(fig.axes[0].collections[0].levels, [0.1, 0.5, 1.0])


def test_plot_contour_log_levels_are_geometric() -> None:
    fig = plot_contour(lambda p: 1 + _bowl(p) ** 3, xlim=(-2, 2), ylim=(-2, 2), resolution=15,
                       levels=6, log=True)
    levels = np.asarray(fig.axes[0].collections[0].levels)
    assert len(levels) == 6
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    assert levels[0] == pytest.approx(1.0, rel=0.05)  # the minimum of f on the grid
    assert levels[-1] == pytest.approx(1 + 8**3)  # the maximum, at a corner


@pytest.mark.parametrize("f", [_bowl, lambda p: p[:, 0]])
def test_plot_contour_log_needs_positive_values(f) -> None:
    with pytest.raises(ValueError, match="log=True needs a positive function"):
        plot_contour(f, xlim=(-1, 1), ylim=(-1, 1), resolution=9, log=True)


@pytest.mark.parametrize("f", [lambda p: _bowl(p)[:-1], lambda p: p, lambda p: _bowl(p).numpy(),
                               lambda p: 1.0])
def test_plot_contour_f_of_wrong_size(f) -> None:
    with pytest.raises(ValueError, match=r"f must map a \(M, 2\) tensor of points"):
        plot_contour(f, xlim=(-1, 1), ylim=(-1, 1), resolution=8)


def test_plot_contour_accepts_f_of_shape_m_by_1() -> None:
    fig = plot_contour(lambda p: _bowl(p)[:, None], xlim=(-1, 1), ylim=(-1, 1), resolution=8)
    assert len(fig.axes[0].collections) == 1


def test_plot_contour_into_given_axes() -> None:
    fig, (left, right) = new_figure(2)
    out = plot_contour(_bowl, xlim=(0, 1), ylim=(0, 2), ax=right, resolution=10)
    assert out is fig
    assert len(right.collections) == 1 and len(left.collections) == 0
    assert right.get_xlim() == (0, 1) and right.get_ylim() == (0, 2)
    assert plt.get_fignums() == []


def test_plot_contour_runs_without_grad() -> None:
    w = torch.tensor(2.0, requires_grad=True)
    grad_enabled: list[bool] = []

    def f(p: torch.Tensor) -> torch.Tensor:
        grad_enabled.append(torch.is_grad_enabled())
        return w * _bowl(p)

    plot_contour(f, xlim=(-1, 1), ylim=(-1, 1), resolution=8)
    assert grad_enabled == [False]


# ---------------------------------------------------------------- plot_path


def test_plot_path_draws_line_markers_and_start() -> None:
    fig, ax = new_figure()
    path = torch.tensor([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]])
    out = plot_path(ax, path, label="GD", color="red")
    assert out is fig
    _assert_unregistered_figure(out)
    line, markers, start = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), [1.0, 0.5, 0.1])
    np.testing.assert_allclose(line.get_ydata(), [1.0, 0.2, 0.0])
    assert line.get_label() == "GD" and line.get_color() == "red"
    assert line.get_linewidth() == pytest.approx(1.2) and line.get_alpha() == 1.0
    assert markers.get_marker() == "o" and len(markers.get_xdata()) == 3
    assert start.get_marker() == "s" and list(start.get_xdata()) == [1.0]
    assert ax.get_legend() is not None


def test_plot_path_without_label_has_no_legend() -> None:
    fig, ax = new_figure()
    plot_path(ax, np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert ax.get_legend() is None
    line, markers, start = ax.get_lines()
    assert markers.get_color() == line.get_color() == start.get_color()


def test_plot_path_lw_option() -> None:
    fig, ax = new_figure()
    plot_path(ax, [[0.0, 0.0], [1.0, 1.0]], lw=4.0)
    line, markers, start = ax.get_lines()
    assert line.get_linewidth() == pytest.approx(4.0)
    assert line.get_alpha() == pytest.approx(0.55)  # wide lines are translucent
    assert markers.get_markersize() == pytest.approx(4.0)
    assert start.get_markersize() == pytest.approx(10.0)


def test_plot_path_thins_markers_but_not_the_line() -> None:
    fig, ax = new_figure()
    path = torch.stack([torch.linspace(0, 1, 1000), torch.linspace(1, 0, 1000)], dim=1)
    plot_path(ax, path, max_points=100)
    line, markers, _ = ax.get_lines()
    assert len(line.get_xdata()) == 1000
    assert len(markers.get_xdata()) == 100


def test_plot_path_stops_at_the_first_non_finite_point() -> None:
    fig, ax = new_figure()
    inf, nan = float("inf"), float("nan")
    path = torch.tensor([[1.0, 1.0], [2.0, -3.0], [inf, 3.0], [5.0, 5.0], [nan, nan]])
    plot_path(ax, path)
    line, markers, start = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1.0, 2.0])
    np.testing.assert_array_equal(line.get_ydata(), [1.0, -3.0])
    assert len(markers.get_xdata()) == 2
    fig, ax = new_figure()
    plot_path(ax, np.array([[0.0, 0.0], [1.0, nan], [2.0, 2.0]]))
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0.0])


def test_plot_path_requires_grad_tensor() -> None:
    fig, ax = new_figure()
    path = torch.zeros(3, 2, requires_grad=True) + 1
    plot_path(ax, path)
    assert len(ax.get_lines()[0].get_xdata()) == 3


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 2, 2), (5, 1)])
def test_plot_path_bad_shape(shape) -> None:
    fig, ax = new_figure()
    with pytest.raises(ValueError, match=r"path must have shape \(K, 2\)"):
        plot_path(ax, torch.zeros(shape))
    assert ax.get_lines() == []
