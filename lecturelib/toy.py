"""Toy two-dimensional distributions for classification and generative-model examples.

Each function returns ``(x, y)``: points x, float32 of shape (n, 2), and the index y, int64 of
shape (n,), of the component (moon, ring, Gaussian) each point was drawn from. With ``seed=None``
the points are drawn from torch's global generator, so :func:`lecturelib.seed_everything` makes
them reproducible; an explicit seed uses a private generator and leaves the global one alone.
"""

from __future__ import annotations

import math

import torch

from ._args import nonnegative_number, positive_int

__all__ = ["make_moons", "make_rings", "make_gaussian_mixture"]


def _generator(seed: int | None) -> torch.Generator | None:
    return None if seed is None else torch.Generator().manual_seed(seed)




def _balanced_labels(n: int, k: int, gen: torch.Generator | None) -> torch.Tensor:
    """n labels in {0..k-1}, as equal in number as possible, in random order."""
    labels = torch.arange(n) % k
    return labels[torch.randperm(n, generator=gen)]


def make_moons(n: int, *, noise: float = 0.1, seed: int | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaving half circles (the classic 'moons'), with Gaussian noise.

    Args:
        n: number of points (split evenly between the two moons).
        noise: standard deviation of the Gaussian noise added to each coordinate.
        seed: seed of a private generator; None uses torch's global generator.

    Returns:
        ``(x, y)``: (n, 2) float32 points and (n,) int64 moon labels in {0, 1}.

    Example:
        >>> x, y = make_moons(100, seed=0)
        >>> tuple(x.shape), int(y.sum())
        ((100, 2), 50)
    """
    n, noise = positive_int("n", n), nonnegative_number("noise", noise)
    gen = _generator(seed)
    y = _balanced_labels(n, 2, gen)
    t = math.pi * torch.rand(n, generator=gen)
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
    x = torch.where(y[:, None] == 0, upper, lower)
    x = x + noise * torch.randn(n, 2, generator=gen)
    return x.float(), y


def make_rings(n: int, *, num_rings: int = 2, noise: float = 0.05, seed: int | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """Concentric rings of radii 1, 2, ..., num_rings (not linearly separable for k >= 2).

    Args:
        n: number of points (split evenly between the rings).
        num_rings: number of rings.
        noise: standard deviation of the radial and tangential Gaussian noise.
        seed: seed of a private generator; None uses torch's global generator.

    Returns:
        ``(x, y)``: (n, 2) float32 points and (n,) int64 ring labels in {0, ..., num_rings-1}.

    Example:
        >>> x, y = make_rings(90, num_rings=3, noise=0.0, seed=0)
        >>> torch.allclose(x.norm(dim=1), (y + 1).float())
        True
    """
    n, noise = positive_int("n", n), nonnegative_number("noise", noise)
    num_rings = positive_int("num_rings", num_rings)
    gen = _generator(seed)
    y = _balanced_labels(n, num_rings, gen)
    angle = 2 * math.pi * torch.rand(n, generator=gen)
    radius = (y + 1).float()
    x = radius[:, None] * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    x = x + noise * torch.randn(n, 2, generator=gen)
    return x.float(), y


def make_gaussian_mixture(n: int, *, num_components: int = 8, radius: float = 2.0,
                          std: float = 0.1, seed: int | None = None
                          ) -> tuple[torch.Tensor, torch.Tensor]:
    """Equal-weight Gaussians N(m_j, std^2 I) with means m_j evenly spaced on a circle.

    With the defaults this is the '8 Gaussians' density of the generative-model literature.

    Args:
        n: number of points (split evenly between the components).
        num_components: number of Gaussians.
        radius: radius of the circle the means lie on (0 puts them all at the origin).
        std: standard deviation of each component.
        seed: seed of a private generator; None uses torch's global generator.

    Returns:
        ``(x, y)``: (n, 2) float32 points and (n,) int64 component labels.

    Example:
        >>> x, y = make_gaussian_mixture(800, seed=0)
        >>> tuple(x.shape), int(y.max())
        ((800, 2), 7)
    """
    n, std = positive_int("n", n), nonnegative_number("std", std)
    num_components = positive_int("num_components", num_components)
    gen = _generator(seed)
    y = _balanced_labels(n, num_components, gen)
    angle = 2 * math.pi * y.float() / num_components
    means = radius * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    x = means + std * torch.randn(n, 2, generator=gen)
    return x.float(), y
