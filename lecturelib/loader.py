"""A minibatch loader for datasets that fit in device memory.

The book writes this loop by hand first (``torch.randperm`` once per epoch, then slices); this
class is that loop, kept. It moves the tensors to the device once and then serves batches by
indexing, with no per-sample Python and no worker processes: for the small datasets of the book
a ``DataLoader`` over in-memory tensors is tens to hundreds of times slower.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from ._args import positive_int

__all__ = ["TensorLoader"]


class TensorLoader:
    """Serve ``(x, y)`` minibatches of device-resident tensors, reshuffled every epoch.

    Iterating once is one epoch. With ``shuffle=True`` each epoch visits the samples in a fresh
    random order (shuffled cyclic minibatch sampling, exactly what
    ``DataLoader(..., shuffle=True)`` does); the order comes from the loader's own generator, so
    it is the same on every device and reproducible from ``seed``.

    Args:
        x: inputs, (N, ...).
        y: targets, (N, ...).
        batch_size: samples per batch (the last batch may be smaller unless ``drop_last``).
        shuffle: draw a new permutation each epoch; otherwise keep the stored order.
        drop_last: skip a final incomplete batch.
        device: where the data should live; default: where ``x`` already is.
        seed: seed of the shuffling generator; default: drawn from torch's global generator,
            so :func:`lecturelib.seed_everything` makes it reproducible.
        channels_last: store 4-D image batches in channels-last memory format (faster
            convolutions on recent GPUs).

    Example:
        >>> loader = TensorLoader(torch.arange(10.0), torch.arange(10), batch_size=4, seed=0)
        >>> [len(x) for x, y in loader]
        [4, 4, 2]
    """

    def __init__(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        *,
        batch_size: int,
        shuffle: bool = True,
        drop_last: bool = False,
        device: torch.device | str | None = None,
        seed: int | None = None,
        channels_last: bool = False,
    ) -> None:
        if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
            raise TypeError("x and y must be tensors; convert with torch.as_tensor")
        if len(x) != len(y):
            raise ValueError(f"x has {len(x)} samples but y has {len(y)}")
        batch_size = positive_int("batch_size", batch_size)
        device = torch.device(device) if device is not None else x.device
        if channels_last and x.dim() == 4:
            x = x.to(device, memory_format=torch.channels_last)
        else:
            x = x.to(device)
        self.x, self.y = x, y.to(device)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        if seed is None:
            seed = int(torch.randint(0, 2**62, ()))
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def device(self) -> torch.device:
        """The device the data lives on."""
        return self.x.device

    def __len__(self) -> int:
        """Number of batches per epoch."""
        n = len(self.x)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.x)
        if self.shuffle:
            # drawn on the CPU from the loader's own generator: the same order on every device
            order = torch.randperm(n, generator=self.generator).to(self.device, non_blocking=True)
        else:
            order = None
        for i in range(len(self)):
            if order is None:
                yield self.x[i * self.batch_size : (i + 1) * self.batch_size], \
                    self.y[i * self.batch_size : (i + 1) * self.batch_size]
            else:
                idx = order[i * self.batch_size : (i + 1) * self.batch_size]
                yield self.x[idx], self.y[idx]

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The shuffling generator's state, so a resumed run sees the same epochs."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        """Restore the state saved by :meth:`state_dict`."""
        self.generator.set_state(state["generator"])

    def __repr__(self) -> str:
        return (
            f"TensorLoader({len(self.x)} samples, batch_size={self.batch_size}, "
            f"{len(self)} batches, shuffle={self.shuffle}, device={self.device.type})"
        )
