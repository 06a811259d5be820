"""Shared test set-up: an isolated lecturelib environment for every test, GPU tests skipped
without CUDA, and plots that never open a window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest
import torch

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import lecturelib.data  # noqa: E402
import lecturelib.env  # noqa: E402

ENV_VARS = ("LECTURELIB_PROFILE", "LECTURELIB_SEED", "LECTURELIB_STATIC", "LECTURELIB_OFFLINE",
            "LECTURELIB_DOWNLOAD_TIMEOUT", "BOOK_SOLUTIONS")


@pytest.fixture(autouse=True)
def _isolated_lecturelib(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No LECTURELIB_* setting leaks into a test or out of it; data goes to a temporary folder;
    the state setup() keeps, remembered failed downloads, the book style and figures are reset."""
    for name in ENV_VARS:
        monkeypatch.setenv(name, "")  # recorded, so the original value is restored afterwards
        monkeypatch.delenv(name)
    monkeypatch.setenv("LECTURELIB_DATA", str(tmp_path / "data"))
    lecturelib.env._state.clear()
    lecturelib.data._failed_downloads.clear()
    plt.close("all")
    with matplotlib.rc_context():  # setup() applies the book style: undo it afterwards
        yield
    plt.close("all")
    lecturelib.data._failed_downloads.clear()
    lecturelib.env._state.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
