"""The record of a training run, and how it is shown while it grows.

:class:`History` keeps one row of metrics per epoch. :class:`Progress` shows the run: a tqdm
bar over epochs in a live notebook, otherwise one fixed-width table row per epoch (what the
built pages and CI show).
"""

from __future__ import annotations

import math

__all__ = ["History", "Progress"]


class History:
    """Per-epoch metrics and timings of a run: ``history['val_acc']`` is a list, one per epoch.

    Example:
        >>> h = History(); h.append(epoch=1, train_loss=0.5, time=0.1)
        >>> h['train_loss']
        [0.5]
    """

    def __init__(self) -> None:
        self.rows: list[dict[str, float]] = []

    def append(self, **row: float) -> None:
        """Record one epoch."""
        self.rows.append(dict(row))

    def keys(self) -> list[str]:
        """The metric names, in the order they were first recorded."""
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row))
        return list(names)

    def __getitem__(self, name: str) -> list[float]:
        if name not in self.keys():
            raise KeyError(f"no metric {name!r}; recorded: {', '.join(self.keys()) or 'none'}")
        return [row.get(name, math.nan) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def header(self) -> str:
        """The column titles of :meth:`table`."""
        return "  ".join(f"{k:>10}" for k in self.keys())

    def format_row(self, i: int) -> str:
        """Epoch ``i`` as one line of :meth:`table` (times carry their unit, "0.35 s")."""
        cells = []
        for k in self.keys():
            v = self.rows[i].get(k, math.nan)
            if k == "epoch":
                cells.append(f"{int(v):>10d}")
            elif k == "time":
                cells.append(f"{v:>8.2f} s")
            else:
                cells.append(f"{v:>10.4f}")
        return "  ".join(cells)

    def table(self) -> str:
        """All epochs as a fixed-width text table."""
        return "\n".join([self.header()] + [self.format_row(i) for i in range(len(self))])

    def __repr__(self) -> str:
        return self.table() if self.rows else "History(empty)"


class Progress:
    """A tqdm bar over epochs in a live notebook; otherwise one printed table row per epoch."""

    def __init__(self, num_epochs: int, start: int, *, live: bool) -> None:
        self.bar = None
        self.header_done = False
        if live:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=num_epochs, initial=start, unit="epoch")

    def update(self, history: History) -> None:
        if self.bar is not None:
            row = history.rows[-1]
            self.bar.set_postfix({k: f"{v:.4g}" for k, v in row.items() if k != "epoch"})
            self.bar.update(1)
            return
        if not self.header_done:
            print(history.header())
            self.header_done = True
        print(history.format_row(len(history) - 1), flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
