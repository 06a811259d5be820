"""Checkpoint and resume: an interrupted run loses nothing that was finished.

:func:`lecturelib.fit` saves, after every epoch, everything the rest of the run depends on:
model, optimizer and scheduler state, the loader's shuffling generator, the global random
generators and the history. The file is written to a temporary name and renamed, so a run
killed while saving leaves the previous checkpoint intact. A resumed run therefore continues
exactly where the finished epochs left off and ends with the same result as an uninterrupted
one (bit for bit on the CPU).
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["Resumable", "CheckpointError"]

_FORMAT = 1


class CheckpointError(RuntimeError):
    """A checkpoint file cannot be used for this run."""


def _rng_state() -> dict[str, Any]:
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": pos,
                  "has_gauss": has_gauss, "cached": cached},
        "python": random.getstate(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"],
                         n["has_gauss"], n["cached"]))
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


class Resumable:
    """The pieces of a training run whose state a checkpoint holds."""

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, scheduler: Any,
                 loader: Any, history: Any) -> None:
        self.model, self.optimizer, self.scheduler = model, optimizer, scheduler
        self.loader, self.history = loader, history

    def save(self, path: str | Path, epoch: int) -> None:
        """Write the state after ``epoch`` finished epochs, atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "format": _FORMAT,
            "epoch": epoch,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "loader": self.loader.state_dict() if hasattr(self.loader, "state_dict") else None,
            "rng": _rng_state(),
            "history": self.history.rows,
        }
        tmp = path.with_name(path.name + ".tmp")
        torch.save(state, tmp)
        os.replace(tmp, path)  # atomic: the old checkpoint stays valid until this instant

    def load(self, path: str | Path) -> int:
        """Restore the state in ``path`` if it exists; return the number of finished epochs.

        Resuming is always announced: a result must never come from a file silently.
        """
        path = Path(path)
        if not path.exists():
            return 0
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as err:  # a truncated or foreign file
            raise CheckpointError(f"cannot read checkpoint {path} ({err}); delete it to start "
                                  "over") from err
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            raise CheckpointError(f"{path} is not a lecturelib checkpoint; delete it or pass "
                                  "another path")
        try:
            self.model.load_state_dict(state["model"])
            self.optimizer.load_state_dict(state["optimizer"])
        except (RuntimeError, ValueError, KeyError) as err:
            raise CheckpointError(f"checkpoint {path} was made for a different model or "
                                  f"optimizer ({err}); delete it to start over") from err
        if self.scheduler is not None and state["scheduler"] is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        if state["loader"] is not None and hasattr(self.loader, "load_state_dict"):
            self.loader.load_state_dict(state["loader"])
        _set_rng_state(state["rng"])
        self.history.rows[:] = state["history"]
        print(f"lecturelib · resuming from checkpoint {path} after epoch {state['epoch']} "
              "(delete the file to train from scratch)")
        return int(state["epoch"])
