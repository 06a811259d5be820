"""lecturelib: the plumbing of the book's notebooks (device, seeds, data, loop, plots, checks).

Every notebook begins with ``run = lecturelib.setup()``. What a chapter teaches is written out in
that chapter; lecturelib holds only what has already been taught or is not the subject: device
and precision, seeding, the run profile, datasets and their offline stand-ins, the training loop
once Part 2 has written it by hand, plots, explorers and checks.
"""

from .checkpoints import CheckpointError
from .checks import CheckFailed, check, check_between, check_close
from .data import CIFAR10_CLASSES, MNIST_CLASSES, ImageData, data_dir, load_cifar10, load_mnist
from .env import (
    Run,
    budget,
    current_run,
    get_device,
    in_notebook,
    is_static,
    profile,
    seed_everything,
    setup,
)
from .loader import TensorLoader
from .plot import new_figure, plot_contour, plot_history, plot_path, show_images, use_book_style
from .toy import make_gaussian_mixture, make_moons, make_rings
from .train import History, TrainingError, autocast, evaluate, fit, train_epoch
from .widgets import explore

__version__ = "0.1.0"

__all__ = [
    "CIFAR10_CLASSES",
    "CheckFailed",
    "CheckpointError",
    "History",
    "ImageData",
    "MNIST_CLASSES",
    "Run",
    "TensorLoader",
    "TrainingError",
    "autocast",
    "budget",
    "check",
    "check_between",
    "check_close",
    "current_run",
    "data_dir",
    "evaluate",
    "explore",
    "fit",
    "get_device",
    "in_notebook",
    "is_static",
    "load_cifar10",
    "load_mnist",
    "make_gaussian_mixture",
    "make_moons",
    "make_rings",
    "new_figure",
    "plot_contour",
    "plot_history",
    "plot_path",
    "profile",
    "seed_everything",
    "setup",
    "show_images",
    "train_epoch",
    "use_book_style",
]
