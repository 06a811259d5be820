"""Shapes10: a generated 32x32 RGB 10-class stand-in for CIFAR-10 that needs no download.

Each image holds one filled, randomly placed, sized, rotated and coloured object on a blotchy
background. Objects are drawn from signed distance functions, which gives anti-aliased edges
for free and keeps the whole generator vectorised.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

SHAPES10_CLASSES: tuple[str, ...] = (
    "disk",  # filled circle
    "ring",  # annulus
    "square",  # filled square
    "frame",  # square outline
    "plus",  # two crossed bars of equal length
    "triangle",  # filled equilateral triangle
    "crescent",  # disk with an off-centre bite
    "bar",  # thick line segment
    "stripes",  # disk cut into parallel stripes
    "checker",  # square 4x4 checkerboard
)

_SIZE = 32  # image side in pixels
_GRID = 8  # side of the coarse grid of random background colours
_BLUR = 2.5  # width in pixels of the Gaussian that interpolates that grid


def _length(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(u * u + v * v)


def _box(u: torch.Tensor, v: torch.Tensor, bu: float, bv: float) -> torch.Tensor:
    # Exact signed distance to an axis-aligned box with half-widths (bu, bv).
    qu, qv = u.abs() - bu, v.abs() - bv
    outside = _length(qu.clamp(min=0), qv.clamp(min=0))
    return outside + torch.maximum(qu, qv).clamp(max=0)


def _triangle(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    # Equilateral triangle of circumradius 1.3: the largest of the three edge distances.
    edges = [u * math.cos(a) + v * math.sin(a) for a in (0, 2 * math.pi / 3, 4 * math.pi / 3)]
    return torch.maximum(torch.maximum(edges[0], edges[1]), edges[2]) - 0.65


def _stripes(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    # Disk cut by parallel stripes; sin(k u) / k approximates the distance to a stripe edge.
    k = 2 * math.pi / 0.8
    return torch.maximum(_length(u, v) - 1.1, torch.sin(k * u) / k)


def _checker(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    # 4x4 checkerboard: the cell's sign times (roughly) the distance to the nearest grid line.
    k = 2 * math.pi / 1.2
    su, sv = torch.sin(k * u), torch.sin(k * v)
    cells = torch.sign(su * sv) * torch.minimum(su.abs(), sv.abs()) / k
    return torch.maximum(_box(u, v, 1.2, 1.2), cells)


# Signed distance (in units of the shape radius, negative inside) for each class, in class order.
_SDFS: tuple[Callable[[torch.Tensor, torch.Tensor], torch.Tensor], ...] = (
    lambda u, v: _length(u, v) - 1,
    lambda u, v: (_length(u, v) - 0.72).abs() - 0.28,
    lambda u, v: _box(u, v, 0.8, 0.8),
    lambda u, v: _box(u, v, 0.7, 0.7).abs() - 0.2,
    lambda u, v: torch.minimum(_box(u, v, 1.0, 0.3), _box(u, v, 0.3, 1.0)),
    _triangle,
    lambda u, v: torch.maximum(_length(u, v) - 1, 0.8 - _length(u - 0.5, v)),
    lambda u, v: _box(u, v, 1.0, 0.28),
    _stripes,
    _checker,
)


def _interpolation_matrix() -> torch.Tensor:
    # (32, _GRID) weights that smoothly spread coarse-grid values over the pixels, rows sum to 1.
    pix = torch.arange(_SIZE, dtype=torch.float32) + 0.5
    knots = (torch.arange(_GRID, dtype=torch.float32) + 0.5) * (_SIZE / _GRID)
    w = torch.exp(-0.5 * ((pix[:, None] - knots[None, :]) / _BLUR) ** 2)
    return w / w.sum(dim=1, keepdim=True)


def _rand(g: torch.Generator, *shape: int, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    return low + (high - low) * torch.rand(*shape, generator=g)


def make_shapes10(num_images: int, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate Shapes10, an offline CIFAR-10 stand-in of coloured shapes on a cluttered background.

    Each image shows one object of its class (see ``SHAPES10_CLASSES``) at a random position,
    size and orientation, in a random colour, on a blotchy background of random colours with
    pixel noise. Only the local shape identifies the class, so a small CNN clearly beats an MLP
    with a similar number of parameters, as on real CIFAR-10.

    Args:
        num_images: Number of images N to generate; must be positive. Classes are balanced
            (counts differ by at most one) and the order is shuffled.
        seed: Seed of the private ``torch.Generator``; the global RNG state is left untouched.

    Returns:
        A tuple ``(images, labels)``: ``images`` is a float32 tensor of shape (N, 3, 32, 32)
        with values in [0, 1] and ``labels`` an int64 tensor of shape (N,) with values in
        0..9, both on the CPU.

    Example:
        >>> images, labels = make_shapes10(20, seed=1)
        >>> images.shape, images.dtype, labels.dtype
        (torch.Size([20, 3, 32, 32]), torch.float32, torch.int64)
        >>> torch.bincount(labels).tolist()
        [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    """
    if not isinstance(num_images, int) or num_images <= 0:
        raise ValueError(f"num_images must be a positive integer, got {num_images!r}")
    g = torch.Generator().manual_seed(seed)
    n = num_images
    labels = torch.arange(n) % len(SHAPES10_CLASSES)
    labels = labels[torch.randperm(n, generator=g)]

    # Background: a base colour plus smooth colour blotches (random values on a coarse grid,
    # Gaussian-interpolated), so that edges and blobs appear everywhere, not only on the object,
    # and the mean colour says (almost) nothing about the class. Two matrix products interpolate
    # several times faster than F.interpolate; the second one leaves rows and columns swapped,
    # which is harmless because the coarse noise is i.i.d.
    base = _rand(g, n, 3, 1, 1, low=0.15, high=0.85)
    blotch = _rand(g, n, 1, 1, 1, low=0.3, high=0.8)
    coarse = base + blotch * _rand(g, n, 3, _GRID, _GRID, low=-0.5, high=0.5)
    interp_t = _interpolation_matrix().T
    images = (coarse.reshape(-1, _GRID) @ interp_t).view(-1, _GRID, _SIZE).transpose(1, 2)
    images = (images.reshape(-1, _GRID) @ interp_t).view(n, 3, _SIZE, _SIZE)

    # The object: random radius, centre (keeping most of it inside), angle and a colour that
    # differs from the base colour by at least 0.3 per channel so it stays visible.
    radius = _rand(g, n, 1, 1, low=5.0, high=10.0)
    cx = radius * 0.8 + _rand(g, n, 1, 1) * (_SIZE - 1.6 * radius)
    cy = radius * 0.8 + _rand(g, n, 1, 1) * (_SIZE - 1.6 * radius)
    angle = _rand(g, n, 1, 1, high=2 * math.pi)
    colour = (base + _rand(g, n, 3, 1, 1, low=0.3, high=0.7)) % 1.0

    coords = torch.arange(_SIZE, dtype=torch.float32) + 0.5
    alpha = torch.empty(n, 1, _SIZE, _SIZE)
    for c, sdf in enumerate(_SDFS):
        idx = (labels == c).nonzero(as_tuple=True)[0]
        r, cos, sin = radius[idx], angle[idx].cos(), angle[idx].sin()
        dx, dy = (coords.view(1, 1, -1) - cx[idx]) / r, (coords.view(1, -1, 1) - cy[idx]) / r
        u, v = dx * cos + dy * sin, dy * cos - dx * sin
        # Distance in pixels -> one-pixel-wide anti-aliased edge.
        alpha[idx, 0] = (0.5 - sdf(u, v) * r).clamp(0, 1)
    images.lerp_(colour, alpha)

    # Grey pixel noise, like sensor noise; shared by the channels because that is 3x cheaper.
    images += _rand(g, n, 1, _SIZE, _SIZE, low=-0.08, high=0.08)
    return images.clamp_(0, 1), labels
