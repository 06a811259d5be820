"""Shared test set-up: GPU tests are skipped without CUDA; plots never open a window."""

from __future__ import annotations

import matplotlib
import pytest
import torch

matplotlib.use("Agg")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
