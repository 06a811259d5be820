"""Offline stand-ins for MNIST and CIFAR-10, with the same shapes and dtypes as the real ones.

They are generated deterministically (the same tensors on every machine), so a notebook run
offline is reproducible. :mod:`lecturelib.data` uses them only when the real dataset cannot be
had, and says so.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ._args import positive_int
from .shapes import SHAPES10_CLASSES, make_shapes10

__all__ = ["digits_as_mnist", "shapes_as_cifar10", "SHAPES10_CLASSES"]

_NUM_TEST_ORIGINALS = 297  # scikit-learn ships 1,797 digits: 1,500 for training, 297 held out

Tensors = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, str]


def _digit_originals() -> tuple[torch.Tensor, torch.Tensor]:
    """The 1,797 scikit-learn digits as MNIST-like images: (N, 1, 28, 28) in [0, 1]."""
    from sklearn.datasets import load_digits  # bundled with scikit-learn: no download

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32)[:, None] / 16  # values were 0..16
    # MNIST centres each digit in a 20x20 box inside the 28x28 frame: do the same
    x = F.interpolate(x, size=(20, 20), mode="bicubic", align_corners=False).clamp(0, 1)
    x = F.pad(x, (4, 4, 4, 4))
    return x, torch.tensor(digits.target, dtype=torch.long)


def _augment(x: torch.Tensor, y: torch.Tensor, n: int, generator: torch.Generator
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """Grow (or cut) a set to ``n`` images: the originals first, then random affine copies."""
    index = torch.arange(n) % len(x)
    out, labels = x[index].clone(), y[index]
    extra = n - min(n, len(x))
    if extra:
        angle = (torch.rand(extra, generator=generator) - 0.5) * math.radians(24)  # +-12 deg
        scale = 0.9 + 0.2 * torch.rand(extra, generator=generator)
        shift = (torch.rand(extra, 2, generator=generator) - 0.5) * 0.25  # about +-1.75 px
        theta = torch.zeros(extra, 2, 3)
        theta[:, 0, 0] = scale * torch.cos(angle)
        theta[:, 0, 1] = -scale * torch.sin(angle)
        theta[:, 1, 0] = scale * torch.sin(angle)
        theta[:, 1, 1] = scale * torch.cos(angle)
        theta[:, :, 2] = shift
        grid = F.affine_grid(theta, [extra, 1, 28, 28], align_corners=False)
        out[len(x):] = F.grid_sample(out[len(x):], grid, align_corners=False).clamp(0, 1)
    order = torch.randperm(n, generator=generator)
    return out[order], labels[order]


def digits_as_mnist(num_train: int, num_test: int) -> Tensors:
    """scikit-learn's 8x8 digits, resampled to 28x28 and augmented to the requested sizes.

    The 1,797 originals are split once (fixed seed) into 1,500 training and 297 test digits, so
    no test image is a copy of a training image. Beyond the originals, images are random affine
    copies (rotation up to 12 degrees, scale 0.9-1.1, shift up to about 2 pixels).

    Args:
        num_train: number of training images.
        num_test: number of test images.

    Returns:
        ``(x_train, y_train, x_test, y_test, source)``: x float32 (N, 1, 28, 28) in [0, 1],
        y int64 (N,), and a sentence describing the data.

    Example:
        >>> x, y, xt, yt, source = digits_as_mnist(100, 10)
        >>> tuple(x.shape), y.dtype
        ((100, 1, 28, 28), torch.int64)
    """
    num_train, num_test = positive_int("num_train", num_train), positive_int("num_test", num_test)
    x, y = _digit_originals()
    split = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    test_idx, train_idx = split[:_NUM_TEST_ORIGINALS], split[_NUM_TEST_ORIGINALS:]
    gen = torch.Generator().manual_seed(1)
    x_tr, y_tr = _augment(x[train_idx], y[train_idx], num_train, gen)
    x_te, y_te = _augment(x[test_idx], y[test_idx], num_test, gen)
    source = (
        f"scikit-learn's 8x8 digits resampled to 28x28 ({len(train_idx):,} training and "
        f"{len(test_idx):,} test originals, grown to {num_train:,} / {num_test:,} by random "
        "affine copies)"
    )
    return x_tr, y_tr, x_te, y_te, source


def shapes_as_cifar10(num_train: int, num_test: int) -> Tensors:
    """A generated 32x32 colour set of ten shape classes standing in for CIFAR-10.

    Training and test images come from different seeds of :func:`lecturelib.shapes.make_shapes10`.

    Returns:
        ``(x_train, y_train, x_test, y_test, source)``: x float32 (N, 3, 32, 32) in [0, 1],
        y int64 (N,), and a sentence describing the data.

    Example:
        >>> x, y, xt, yt, source = shapes_as_cifar10(20, 10)
        >>> tuple(x.shape)
        (20, 3, 32, 32)
    """
    x_tr, y_tr = make_shapes10(num_train, seed=0)
    x_te, y_te = make_shapes10(num_test, seed=1)
    source = (
        "a generated set of 32x32 colour images of ten shape classes "
        f"({', '.join(SHAPES10_CLASSES)}), {num_train:,} train / {num_test:,} test"
    )
    return x_tr, y_tr, x_te, y_te, source
