"""Datasets as tensors: MNIST and CIFAR-10 through torchvision, with announced offline stand-ins.

``load_mnist()`` and ``load_cifar10()`` look for the real dataset in the data directory, try to
download it there (bounded in time, atomically: an interrupted download leaves nothing behind),
and otherwise fall back to a generated stand-in with the same shapes and dtypes. A stand-in is
never silent: one line of output says so, and the returned object records it.

Environment variables:

* ``LECTURELIB_DATA``: the data directory (default: ``~/.cache/lecturelib``, or
  ``$XDG_CACHE_HOME/lecturelib``).
* ``LECTURELIB_OFFLINE=1``: do not try to download anything.
* ``LECTURELIB_DOWNLOAD_TIMEOUT``: the most seconds one download may take (default 900).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from . import standins
from ._args import positive_int

__all__ = ["ImageData", "data_dir", "load_mnist", "load_cifar10", "MNIST_CLASSES",
           "CIFAR10_CLASSES"]

MNIST_CLASSES = tuple(str(d) for d in range(10))
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                   "ship", "truck")
_TORCHVISION_NAME = {"MNIST": "MNIST", "CIFAR-10": "CIFAR10"}
_failed_downloads: set[str] = set()  # tried once in this process: do not wait again


@dataclass
class ImageData:
    """A labelled image dataset held as tensors (on the CPU; loaders move them to the device).

    Attributes:
        name: ``'MNIST'`` or ``'CIFAR-10'``.
        x_train: (N, C, H, W) float32 in [0, 1].
        y_train: (N,) int64 class indices.
        x_test: (M, C, H, W) float32 in [0, 1]; never used for training or tuning.
        y_test: (M,) int64.
        classes: the class names, indexed by label.
        source: where the tensors came from, in words.
        stand_in: True when the data is a generated stand-in, not the real dataset.
    """

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: tuple[str, ...]
    source: str
    stand_in: bool

    def __repr__(self) -> str:
        shape = "x".join(str(s) for s in self.x_train.shape[1:])
        kind = "STAND-IN" if self.stand_in else "real"
        return (f"ImageData({self.name}, {kind}: {len(self.x_train)} train / "
                f"{len(self.x_test)} test images of {shape}, {len(self.classes)} classes)")


def data_dir() -> Path:
    """The directory where datasets are stored (``LECTURELIB_DATA``, or a user cache directory).

    Example:
        >>> data_dir().name == 'lecturelib' or 'LECTURELIB_DATA' in os.environ
        True
    """
    if os.environ.get("LECTURELIB_DATA"):
        return Path(os.environ["LECTURELIB_DATA"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "lecturelib"


def _offline() -> bool:
    return os.environ.get("LECTURELIB_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def _timeout() -> float:
    value = os.environ.get("LECTURELIB_DOWNLOAD_TIMEOUT", "900")
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"LECTURELIB_DOWNLOAD_TIMEOUT={value!r} must be a positive number of "
                         "seconds")
    return seconds


def _open_local(name: str, root: Path, train: bool):  # noqa: ANN202 - torchvision dataset
    """The torchvision dataset if its files are complete in ``root``, else None."""
    try:
        import torchvision
    except ImportError:
        return None
    cls = getattr(torchvision.datasets, _TORCHVISION_NAME[name])
    try:
        return cls(str(root), train=train, download=False)
    except RuntimeError:  # torchvision's "Dataset not found or corrupted"
        return None


_DOWNLOAD_SCRIPT = """
import socket, sys, torchvision
socket.setdefaulttimeout(30)  # a stalled connection fails instead of hanging
cls = getattr(torchvision.datasets, sys.argv[1])
for train in (True, False):
    cls(sys.argv[2], train=train, download=True)
"""


def _download(name: str, root: Path, timeout: float) -> str | None:
    """Download with torchvision into a temporary folder and move it into place when complete.

    Returns None on success, else the reason it failed.
    """
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".partial-*"):  # left by a process that was killed mid-download
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=root))
    try:
        result = subprocess.run(
            [sys.executable, "-c", _DOWNLOAD_SCRIPT, _TORCHVISION_NAME[name], str(tmp)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            return lines[-1] if lines else f"exit status {result.returncode}"
        for item in tmp.iterdir():  # e.g. MNIST/ or cifar-10-batches-py/, moved atomically
            target = root / item.name
            if target.exists():
                shutil.rmtree(target) if target.is_dir() else target.unlink()
            os.replace(item, target)
        return None
    except subprocess.TimeoutExpired:
        return f"no complete download within {timeout:g} s"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _real(name: str) -> tuple[object, object] | str:
    """The (train, test) torchvision datasets, or the reason they are unavailable."""
    try:
        import torchvision  # noqa: F401
    except ImportError:
        return "torchvision is not installed (pip install torchvision)"
    timeout = _timeout()  # a bad setting is reported even when no download is needed
    root = data_dir()
    train, test = _open_local(name, root, True), _open_local(name, root, False)
    if train is not None and test is not None:
        return train, test
    if _offline():
        return "LECTURELIB_OFFLINE=1 forbids downloading it"
    if name in _failed_downloads:
        return "its download already failed in this session"
    reason = _download(name, root, timeout)
    if reason is None:
        train, test = _open_local(name, root, True), _open_local(name, root, False)
        if train is not None and test is not None:
            return train, test
        reason = "the downloaded files did not load"
    _failed_downloads.add(name)
    return f"the download failed ({reason})"


def _subset(x: torch.Tensor, y: torch.Tensor, n: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    if n is None or n >= len(x):
        return x, y
    keep = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))[:n]
    return x[keep], y[keep]


def _check_sizes(num_train: int | None, num_test: int | None) -> None:
    for label, n in (("num_train", num_train), ("num_test", num_test)):
        if n is not None:
            positive_int(label, n, or_none=True)


def _mnist_tensors(ds: object) -> tuple[torch.Tensor, torch.Tensor]:
    return ds.data[:, None].float() / 255, ds.targets.long()  # (N, 28, 28) -> (N, 1, 28, 28)


def _cifar_tensors(ds: object) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.from_numpy(ds.data).permute(0, 3, 1, 2).float() / 255  # (N, H, W, C) -> (N, C, H, W)
    return x, torch.as_tensor(ds.targets, dtype=torch.long)


def _load(name: str, num_train: int | None, num_test: int | None, *, sizes: tuple[int, int],
          classes: tuple[str, ...], to_tensors: Callable[[object], tuple[torch.Tensor, ...]],
          stand_in: Callable[[int, int], tuple], stand_in_classes: tuple[str, ...]) -> ImageData:
    """The real dataset when it can be had, else its announced stand-in."""
    _check_sizes(num_train, num_test)
    real = _real(name)
    if isinstance(real, str):
        *tensors, source = stand_in(num_train or sizes[0], num_test or sizes[1])
        data = ImageData(name, *tensors, stand_in_classes, source, stand_in=True)
        _announce(data, real)
        return data
    (x_tr, y_tr), (x_te, y_te) = (_subset(*to_tensors(ds), n)
                                  for ds, n in zip(real, (num_train, num_test)))
    return ImageData(name, x_tr, y_tr, x_te, y_te, classes,
                     f"torchvision {name} in {data_dir()}", stand_in=False)


def _announce(data: ImageData, reason: str) -> None:
    print(f"lecturelib · stand-in data: the real {data.name} is unavailable ({reason}); "
          f"using {data.source}. Online, the real dataset is downloaded to {data_dir()}.")


def load_mnist(*, num_train: int | None = None, num_test: int | None = None) -> ImageData:
    """MNIST handwritten digits: 28x28 grayscale, 10 classes (60,000 train / 10,000 test).

    When the real dataset is neither in :func:`data_dir` nor downloadable, scikit-learn's 8x8
    digits, resampled to 28x28 and augmented by small random affine maps, stand in for it
    (announced in one line of output; ``stand_in`` is True).

    Args:
        num_train: keep this many training images (a fixed random subset of the real data, or
            the size the stand-in is augmented to); default: 60,000.
        num_test: likewise for the test set; default: 10,000.

    Returns:
        An :class:`ImageData` with x of shape (N, 1, 28, 28), float32 in [0, 1], y int64.

    Example:
        >>> data = load_mnist(num_train=100, num_test=50)  # doctest: +ELLIPSIS
        lecturelib · stand-in data: ...
        >>> data.x_train.shape
        torch.Size([100, 1, 28, 28])
    """
    return _load("MNIST", num_train, num_test, sizes=(60_000, 10_000), classes=MNIST_CLASSES,
                 to_tensors=_mnist_tensors, stand_in=standins.digits_as_mnist,
                 stand_in_classes=MNIST_CLASSES)


def load_cifar10(*, num_train: int | None = None, num_test: int | None = None) -> ImageData:
    """CIFAR-10: 32x32 colour images, 10 classes (50,000 train / 10,000 test).

    When the real dataset is unavailable, a generated set of ten classes of coloured shapes and
    patterns at random positions stands in for it (announced; ``stand_in`` is True). It keeps
    the property the book relies on: a small CNN beats an MLP of similar size by a wide margin.

    Args:
        num_train: keep this many training images; default: 50,000.
        num_test: keep this many test images; default: 10,000.

    Returns:
        An :class:`ImageData` with x of shape (N, 3, 32, 32), float32 in [0, 1], y int64.

    Example:
        >>> data = load_cifar10(num_train=100, num_test=50)  # doctest: +ELLIPSIS
        lecturelib · stand-in data: ...
        >>> data.x_train.shape
        torch.Size([100, 3, 32, 32])
    """
    return _load("CIFAR-10", num_train, num_test, sizes=(50_000, 10_000),
                 classes=CIFAR10_CLASSES, to_tensors=_cifar_tensors,
                 stand_in=standins.shapes_as_cifar10, stand_in_classes=standins.SHAPES10_CLASSES)
