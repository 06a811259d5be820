"""The run environment: device, seeds, run profile and the one-line report every notebook prints.

Every notebook starts with ``run = lecturelib.setup()``. It picks the device, seeds every random
number generator, chooses the run profile and prints a single line saying so, so that each page
of the book shows the environment that produced its outputs.

Environment variables (all optional):

* ``LECTURELIB_PROFILE``: ``quick`` or ``full``; overrides the default (``full`` with CUDA,
  ``quick`` otherwise).
* ``LECTURELIB_SEED``: an integer that replaces the seed passed to :func:`setup`, so that every
  notebook's checks can be run under other seeds without editing it.
* ``LECTURELIB_STATIC``: ``1`` while the notebook is executed to build the static site or by the
  tests (the book's Sphinx extension and the test suite set it). Explorers then embed
  precomputed frames and :func:`lecturelib.fit` prints a table instead of a progress bar.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import torch

Profile = Literal["quick", "full"]
PROFILES: tuple[str, ...] = ("quick", "full")
T = TypeVar("T")

_state: dict[str, object] = {}  # what setup() chose; read by profile() and budget()


@dataclass(frozen=True)
class Run:
    """What :func:`setup` chose for this notebook run."""

    device: torch.device
    device_name: str
    profile: Profile
    seed: int
    torch_version: str

    def __str__(self) -> str:
        return (
            f"lecturelib · device {self.device.type} ({self.device_name}) · "
            f"torch {self.torch_version} · profile {self.profile} · seed {self.seed}"
        )


def get_device() -> torch.device:
    """Return the best available device: CUDA, then Apple's MPS, then the CPU.

    Returns:
        A ``torch.device``.

    Example:
        >>> get_device().type in ('cuda', 'mps', 'cpu')
        True
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_name(device: torch.device) -> str:
    """Return a human-readable name of ``device`` (the GPU model, or the CPU's core count)."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU"
    return f"{os.cpu_count()} CPU cores"


def _env_choice(name: str, allowed: tuple[str, ...]) -> str | None:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    if value not in allowed:
        raise ValueError(
            f"{name}={os.environ[name]!r} is not understood; use one of {', '.join(allowed)} "
            f"or unset it"
        )
    return value


def _env_seed(default: int) -> int:
    value = os.environ.get("LECTURELIB_SEED", "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"LECTURELIB_SEED={value!r} is not an integer; set it to e.g. 0, 1, 2 or unset it"
        ) from None


def profile() -> Profile:
    """Return the run profile: the one :func:`setup` chose, else the default for this machine.

    ``quick`` runs each notebook in about a minute on a 2-core CPU and still demonstrates every
    claim; ``full`` is the scale a reader with a GPU wants. ``LECTURELIB_PROFILE`` overrides the
    default.

    Returns:
        ``'quick'`` or ``'full'``.

    Example:
        >>> profile() in ('quick', 'full')
        True
    """
    chosen = _state.get("profile")
    if chosen is not None:
        return chosen  # type: ignore[return-value]
    from_env = _env_choice("LECTURELIB_PROFILE", PROFILES)
    if from_env is not None:
        return from_env  # type: ignore[return-value]
    return "full" if torch.cuda.is_available() else "quick"


def budget(*, quick: T, full: T) -> T:
    """Pick a size (epochs, samples, grid points ...) for the current run profile.

    Args:
        quick: the value for the ``quick`` profile (CPU, about a minute per notebook).
        full: the value for the ``full`` profile (GPU scale).

    Returns:
        ``quick`` or ``full``, whichever belongs to :func:`profile`.

    Example:
        >>> budget(quick=3, full=30) in (3, 30)
        True
    """
    return quick if profile() == "quick" else full


def seed_everything(seed: int) -> int:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and all GPUs).

    Call it at the top of every training cell, so the cell gives the same result when re-run
    on its own.

    Args:
        seed: a non-negative integer.

    Returns:
        The seed, so that ``seed = seed_everything(run.seed)`` reads naturally.

    Example:
        >>> seed_everything(3)
        3
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed


def is_static() -> bool:
    """True while the notebook is executed for the static site or by the tests (no live reader).

    Example:
        >>> isinstance(is_static(), bool)
        True
    """
    return os.environ.get("LECTURELIB_STATIC", "").strip() == "1"


def in_notebook() -> bool:
    """True when running inside a Jupyter kernel (where widgets and progress bars can render)."""
    ipython = sys.modules.get("IPython")  # never imported here: only asked if already loaded
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _configure_figures() -> None:
    from . import plot  # imported here: matplotlib is only needed once setup() runs

    plot.use_book_style()
    if in_notebook():
        try:
            from matplotlib_inline.backend_inline import set_matplotlib_formats

            # 2x PNG: sharp on high-DPI screens, and nbval ignores PNG bytes when comparing
            set_matplotlib_formats("retina")
        except ImportError:  # pragma: no cover - matplotlib-inline ships with ipykernel
            pass


def setup(seed: int = 0, *, profile: Profile | None = None, quiet: bool = False) -> Run:
    """Prepare a notebook run: pick the device, seed everything, choose the profile, report.

    Prints one line such as
    ``lecturelib · device cpu (2 CPU cores) · torch 2.14.1 · profile quick · seed 0``.

    Args:
        seed: the seed for every random number generator; ``LECTURELIB_SEED`` overrides it.
        profile: force ``'quick'`` or ``'full'``; by default ``LECTURELIB_PROFILE`` if set,
            else ``'full'`` with CUDA and ``'quick'`` without.
        quiet: do not print the line.

    Returns:
        A :class:`Run` with ``device``, ``device_name``, ``profile``, ``seed`` and
        ``torch_version``.

    Example:
        >>> run = setup(seed=1, quiet=True)
        >>> run.seed in (1, int(os.environ.get('LECTURELIB_SEED', 1)))
        True
    """
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"profile must be 'quick' or 'full', got {profile!r}")
    chosen_profile = profile or _env_choice("LECTURELIB_PROFILE", PROFILES)
    seed = _env_seed(seed)  # both validated before anything changes
    _state.clear()
    device = get_device()
    if chosen_profile is None:
        chosen_profile = "full" if device.type == "cuda" else "quick"
    seed = seed_everything(seed)
    if device.type == "cuda":
        # TF32 matmuls and cuDNN autotuning: large speed-ups on Ampere and later GPUs, at a
        # precision that is ample for training (set here, never at import time)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    _configure_figures()
    run = Run(
        device=device,
        device_name=device_name(device),
        profile=chosen_profile,  # type: ignore[arg-type]
        seed=seed,
        torch_version=torch.__version__.split("+")[0],
    )
    _state.update(profile=run.profile, run=run)
    if not quiet:
        print(run)
    return run


def current_run() -> Run | None:
    """Return the :class:`Run` of the last :func:`setup` call, or None before it."""
    return _state.get("run")  # type: ignore[return-value]
