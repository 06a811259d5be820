"""Tests of lecturelib.toy: moons, rings and the Gaussian mixture."""

from __future__ import annotations

import math

import pytest
import torch

import lecturelib
import lecturelib.env
from lecturelib.toy import make_gaussian_mixture, make_moons, make_rings

MAKERS = [
    pytest.param(make_moons, {}, 2, id="moons"),
    pytest.param(make_rings, {}, 2, id="rings"),
    pytest.param(make_rings, {"num_rings": 3}, 3, id="rings3"),
    pytest.param(make_gaussian_mixture, {}, 8, id="mixture"),
    pytest.param(make_gaussian_mixture, {"num_components": 5}, 5, id="mixture5"),
]


@pytest.mark.parametrize("make, kw, k", MAKERS)
def test_shapes_and_dtypes(make, kw, k) -> None:
    x, y = make(37, seed=0, **kw)
    assert x.shape == (37, 2) and x.dtype == torch.float32
    assert y.shape == (37,) and y.dtype == torch.int64
    assert torch.isfinite(x).all()
    assert set(y.tolist()) == set(range(k))


@pytest.mark.parametrize("make, kw, k", MAKERS)
@pytest.mark.parametrize("n", [1, 10, 101])
def test_exact_class_balance(make, kw, k, n) -> None:
    _, y = make(n, seed=1, **kw)
    counts = torch.bincount(y, minlength=k).tolist()
    assert sum(counts) == n
    assert max(counts) - min(counts) <= 1
    assert sorted(counts, reverse=True) == [n // k + (1 if j < n % k else 0) for j in range(k)]


@pytest.mark.parametrize("make, kw, k", MAKERS)
def test_labels_are_shuffled(make, kw, k) -> None:
    _, y = make(200, seed=2, **kw)
    assert not torch.equal(y, torch.arange(200) % k)
    assert not torch.equal(y, y.sort().values)


@pytest.mark.parametrize("make, kw, k", MAKERS)
def test_explicit_seed_is_deterministic(make, kw, k) -> None:
    x1, y1 = make(50, seed=7, **kw)
    x2, y2 = make(50, seed=7, **kw)
    x3, _ = make(50, seed=8, **kw)
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert not torch.equal(x1, x3)


@pytest.mark.parametrize("make, kw, k", MAKERS)
def test_explicit_seed_leaves_the_global_rng_alone(make, kw, k) -> None:
    torch.manual_seed(123)
    state = torch.get_rng_state()
    make(50, seed=7, **kw)
    assert torch.equal(torch.get_rng_state(), state)
    make(50, seed=None, **kw)  # the check above can see a change of the global state
    assert not torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize("make, kw, k", MAKERS)
def test_seed_none_is_reproducible_under_manual_seed(make, kw, k) -> None:
    torch.manual_seed(0)
    x1, y1 = make(60, **kw)
    torch.manual_seed(0)
    x2, y2 = make(60, **kw)
    x3, _ = make(60, **kw)  # the global generator moved on
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert not torch.equal(x1, x3)


def test_seed_everything_makes_toy_data_reproducible() -> None:
    lecturelib.seed_everything(4)
    x1, _ = make_moons(30)
    lecturelib.seed_everything(4)
    x2, _ = make_moons(30)
    assert torch.equal(x1, x2)


# ---------------------------------------------------------------- geometry


def test_moons_without_noise_lie_on_two_half_circles() -> None:
    x, y = make_moons(400, noise=0.0, seed=0)
    upper, lower = x[y == 0].double(), x[y == 1].double()
    assert torch.allclose(upper.norm(dim=1), torch.ones(len(upper), dtype=torch.float64),
                          atol=1e-6)
    assert (upper[:, 1] >= 0).all()
    centre = torch.tensor([1.0, 0.5], dtype=torch.float64)
    assert torch.allclose((lower - centre).norm(dim=1),
                          torch.ones(len(lower), dtype=torch.float64), atol=1e-6)
    assert (lower[:, 1] <= 0.5 + 1e-6).all()
    # the half circles are covered: x runs over [-1, 1] and [0, 2]
    assert upper[:, 0].min() < -0.95 and upper[:, 0].max() > 0.95
    assert lower[:, 0].min() < 0.05 and lower[:, 0].max() > 1.95


def test_rings_without_noise_lie_on_radii() -> None:
    x, y = make_rings(300, num_rings=3, noise=0.0, seed=0)
    assert torch.allclose(x.norm(dim=1), (y + 1).float(), atol=1e-5)
    angle = torch.atan2(x[:, 1], x[:, 0])
    assert angle.min() < -2.8 and angle.max() > 2.8  # all around the circle


def test_mixture_without_noise_lies_on_the_means() -> None:
    k, radius = 6, 1.5
    x, y = make_gaussian_mixture(120, num_components=k, radius=radius, std=0.0, seed=0)
    angle = 2 * math.pi * y.double() / k
    expected = radius * torch.stack([angle.cos(), angle.sin()], dim=1)
    assert torch.allclose(x.double(), expected, atol=1e-6)
    assert torch.allclose(x.norm(dim=1), torch.full((120,), radius), atol=1e-5)
    assert len(torch.unique(x, dim=0)) == k


def test_mixture_radius_zero_puts_all_means_at_the_origin() -> None:
    x, _ = make_gaussian_mixture(16, radius=0.0, std=0.0, seed=0)
    assert torch.equal(x, torch.zeros(16, 2))


def test_noise_has_the_requested_size() -> None:
    x, y = make_rings(4000, noise=0.05, seed=0)
    deviation = x.norm(dim=1) - (y + 1).float()
    assert 0.045 < deviation.std().item() < 0.055
    x, y = make_gaussian_mixture(4000, std=0.2, seed=0)
    angle = 2 * math.pi * y.float() / 8
    offset = x - 2.0 * torch.stack([angle.cos(), angle.sin()], dim=1)
    assert torch.allclose(offset.std(dim=0), torch.tensor([0.2, 0.2]), rtol=0.05)
    assert offset.mean(dim=0).abs().max() < 0.02
    x, y = make_moons(4000, noise=0.1, seed=0)
    radial = x[y == 0].norm(dim=1) - 1
    assert 0.08 < radial.std().item() < 0.12


def test_docstring_examples() -> None:
    x, y = make_moons(100, seed=0)
    assert (tuple(x.shape), int(y.sum())) == ((100, 2), 50)
    x, y = make_gaussian_mixture(800, seed=0)
    assert (tuple(x.shape), int(y.max())) == ((800, 2), 7)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("make", [make_moons, make_rings, make_gaussian_mixture])
@pytest.mark.parametrize("n", [0, -3, 2.0, "10", None])
def test_bad_n(make, n) -> None:
    with pytest.raises(ValueError, match="n must be a positive integer"):
        make(n)


@pytest.mark.parametrize("make", [make_moons, make_rings])
def test_negative_noise(make) -> None:
    with pytest.raises(ValueError, match=r"noise must be a finite non-negative number, got -0.1"):
        make(10, noise=-0.1)


def test_negative_std() -> None:
    with pytest.raises(ValueError, match="must be a finite non-negative number, got -0.5"):
        make_gaussian_mixture(10, std=-0.5)


def test_negative_std_message_names_std() -> None:
    with pytest.raises(ValueError, match="std must be a finite non-negative number"):
        make_gaussian_mixture(10, std=-0.5)


@pytest.mark.parametrize("num_rings", [0, -1, 1.5])
def test_bad_num_rings(num_rings) -> None:
    with pytest.raises(ValueError, match="num_rings must be a positive integer"):
        make_rings(10, num_rings=num_rings)


@pytest.mark.parametrize("num_components", [0, -2, 3.0])
def test_bad_num_components(num_components) -> None:
    with pytest.raises(ValueError, match="num_components must be a positive integer"):
        make_gaussian_mixture(10, num_components=num_components)


def test_single_ring_and_single_component_are_allowed() -> None:
    _, y = make_rings(5, num_rings=1, seed=0)
    assert y.tolist() == [0] * 5
    _, y = make_gaussian_mixture(5, num_components=1, seed=0)
    assert y.tolist() == [0] * 5


@pytest.mark.parametrize("make", [make_moons, make_rings, make_gaussian_mixture])
def test_bool_n_is_rejected(make) -> None:
    with pytest.raises(ValueError, match="n must be a positive integer"):
        make(True, seed=0)


@pytest.mark.parametrize("make, kw", [(make_moons, {"noise": math.nan}),
                                      (make_rings, {"noise": math.nan}),
                                      (make_gaussian_mixture, {"std": math.nan})])
def test_nan_noise_is_rejected(make, kw) -> None:
    with pytest.raises(ValueError, match="non-negative"):
        make(4, seed=0, **kw)
