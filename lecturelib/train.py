"""The training loop the book writes by hand in Part 2, kept for the chapters after it.

``train_epoch`` is that loop, line for line: forward, loss, ``zero_grad``, ``backward``,
``step``. ``fit`` repeats it for a number of epochs with what a long run needs and a notebook
should not have to repeat: one host synchronisation per epoch (the per-step losses stay on the
device until the epoch ends), bf16 autocast and channels-last memory on CUDA, a per-epoch table
(or a progress bar in a live notebook), a :class:`History`, checkpoint and resume, and clear
errors for the usual mistakes.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import torch
import torch.nn.functional as F
from torch import nn

from . import checkpoints
from .env import in_notebook, is_static
from .history import History, Progress

__all__ = ["History", "TrainingError", "autocast", "train_epoch", "evaluate", "fit"]

Amp = Literal["auto", "bf16", "off"]
Batch = tuple[torch.Tensor, torch.Tensor]
StepFn = Callable[[nn.Module, Batch], torch.Tensor]


class TrainingError(RuntimeError):
    """Training cannot go on (a NaN loss, a mismatch between model and data, ...)."""


def _amp_dtype(amp: Amp, device: torch.device) -> torch.dtype | None:
    if amp not in ("auto", "bf16", "off"):
        raise ValueError(f"amp must be 'auto', 'bf16' or 'off', got {amp!r}")
    if amp == "off" or (amp == "auto" and device.type != "cuda"):
        return None
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        if amp == "bf16":
            raise ValueError("this GPU does not support bf16; use amp='off'")
        return None
    return torch.bfloat16


def autocast(device: torch.device, amp: Amp = "auto") -> contextlib.AbstractContextManager:
    """bf16 autocast on CUDA (with ``'auto'``), else a context that does nothing.

    bf16 halves memory traffic and uses the tensor cores, with the same exponent range as
    float32, so unlike float16 it needs no loss scaling.
    """
    dtype = _amp_dtype(amp, device)
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def _model_device(model: nn.Module) -> torch.device | None:
    param = next(iter(model.parameters()), None)
    return None if param is None else param.device


def _check_batch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, out: Any) -> None:
    """Catch the classic mistakes on the first batch (shape checks only: no host sync)."""
    if not isinstance(out, torch.Tensor):
        raise TrainingError(f"the model returned {type(out).__name__}, not a tensor; "
                            "pass step_fn= for models with several outputs")
    if out.shape[0] != y.shape[0]:
        raise TrainingError(f"the model output has batch size {out.shape[0]} but the targets "
                            f"have {y.shape[0]} (output {tuple(out.shape)}, "
                            f"targets {tuple(y.shape)})")
    if y.is_floating_point() and out.shape != y.shape:
        raise TrainingError(
            f"model output {tuple(out.shape)} and targets {tuple(y.shape)} differ in shape; "
            "the loss would broadcast them silently. Reshape one of them (e.g. "
            "out.squeeze(1) or y.unsqueeze(1))")
    if not y.is_floating_point() and (out.dim() < 2 or y.shape != out.shape[:1] + out.shape[2:]):
        raise TrainingError(
            f"class-index targets {tuple(y.shape)} need model outputs of shape (B, C, ...); "
            f"got {tuple(out.shape)}")


def _first_batch_checks(model: nn.Module, x: torch.Tensor) -> None:
    device = _model_device(model)
    if device is not None and device != x.device and not (
        device.type == x.device.type == "cuda" and device.index in (None, x.device.index)
    ):
        raise TrainingError(f"the model is on {device} but the data is on {x.device}; move one "
                            "of them (model.to(device) or TensorLoader(..., device=device))")


def train_epoch(
    model: nn.Module,
    loader: Iterable[Batch],
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    *,
    scheduler: Any = None,
    step_fn: StepFn | None = None,
    amp: Amp = "auto",
) -> torch.Tensor:
    """Run one epoch of minibatch training and return every step's loss, without a host sync.

    Args:
        model: the network; put in training mode here.
        loader: yields ``(x, y)`` batches already on the model's device.
        optimizer: updates the parameters.
        loss_fn: ``loss_fn(model(x), y)`` gives the batch loss (a mean over the batch).
        scheduler: stepped after every optimizer step, if given.
        step_fn: for non-standard steps, ``step_fn(model, (x, y))`` returns the loss instead.
        amp: ``'auto'`` (bf16 autocast on CUDA), ``'bf16'`` or ``'off'``.

    Returns:
        The losses of the epoch's steps, shape (num_batches,), float32, on the device.

    Raises:
        ValueError: when the loader yields no batch.
        TrainingError: on a model/data device or shape mismatch (checked on the first batch).

    Example:
        >>> from lecturelib.loader import TensorLoader
        >>> model = nn.Linear(2, 2); opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> loader = TensorLoader(torch.randn(8, 2), torch.randint(0, 2, (8,)), batch_size=4)
        >>> train_epoch(model, loader, opt).shape
        torch.Size([2])
    """
    model.train()
    losses = []
    for step, (x, y) in enumerate(loader):
        if step == 0:
            _first_batch_checks(model, x)
        with autocast(x.device, amp):
            if step_fn is not None:
                loss = step_fn(model, (x, y))
            else:
                out = model(x)
                if step == 0:
                    _check_batch(model, x, y, out)
                loss = loss_fn(out, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.detach().float())  # stays on the device: no .item() per step
    if not losses:
        raise ValueError("the loader yielded no batches (is it empty, or is batch_size larger "
                         "than the dataset with drop_last=True?)")
    return torch.stack(losses)


def _evaluate_sums(model: nn.Module, loader: Iterable[Batch], loss_fn: Callable[..., Any],
                   step_fn: StepFn | None, amp: Amp) -> torch.Tensor:
    """[sum of losses, number correct, number of samples] on the device (no host sync)."""
    model.eval()
    sums = None
    with torch.no_grad():
        for x, y in loader:
            # torch.full launches a fill kernel; torch.tensor(..., device) would copy from the host
            correct = torch.full((), math.nan, device=x.device)
            with autocast(x.device, amp):
                if step_fn is not None:
                    loss = step_fn(model, (x, y))
                else:
                    out = model(x)
                    loss = loss_fn(out, y)
                    if not y.is_floating_point() and out.dim() >= 2:
                        correct = (out.argmax(1) == y).sum().float()
            batch = torch.stack([loss.float() * len(x), correct,
                                 torch.full((), float(len(x)), device=x.device)])
            sums = batch if sums is None else sums + batch
    if sums is None:
        raise ValueError("the evaluation loader yielded no batches")
    return sums


def evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    *,
    step_fn: StepFn | None = None,
    amp: Amp = "auto",
) -> dict[str, float]:
    """Mean loss and (for class-index targets) accuracy of ``model`` over ``loader``.

    Args:
        model: the network; put in evaluation mode here.
        loader: yields ``(x, y)`` batches on the model's device.
        loss_fn: the batch-mean loss.
        step_fn: as in :func:`train_epoch`; then only the loss is reported.
        amp: as in :func:`train_epoch`.

    Returns:
        ``{'loss': ..., 'acc': ...}`` (accuracy in [0, 1]; ``acc`` is absent for regression).

    Example:
        >>> from lecturelib.loader import TensorLoader
        >>> loader = TensorLoader(torch.randn(8, 2), torch.zeros(8, dtype=torch.long),
        ...                       batch_size=4, shuffle=False)
        >>> sorted(evaluate(nn.Linear(2, 2), loader))
        ['acc', 'loss']
    """
    loss_sum, correct, count = _evaluate_sums(model, loader, loss_fn, step_fn, amp).tolist()
    result = {"loss": loss_sum / count}
    if not math.isnan(correct):
        result["acc"] = correct / count
    return result


def _uses_conv(model: nn.Module) -> bool:
    return any(isinstance(m, nn.Conv2d) for m in model.modules())


def fit(
    model: nn.Module,
    train_loader: Iterable[Batch],
    *,
    num_epochs: int,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    val_loader: Iterable[Batch] | None = None,
    scheduler: Any = None,
    step_fn: StepFn | None = None,
    amp: Amp = "auto",
    checkpoint: str | Path | None = None,
    on_epoch_end: Callable[[int, History], None] | None = None,
    verbose: bool = True,
) -> History:
    """Train for ``num_epochs`` epochs of :func:`train_epoch`, evaluating after each.

    Args:
        model: the network, already on the device of the data.
        train_loader: yields training batches; reshuffled each epoch if it shuffles.
        num_epochs: number of epochs to train in total (a resumed run trains the rest).
        optimizer: the optimizer.
        loss_fn: the batch-mean loss, ``loss_fn(model(x), y)``.
        val_loader: evaluated after every epoch (``val_loss`` and ``val_acc``), if given.
        scheduler: stepped after every optimizer step.
        step_fn: non-standard steps (see :func:`train_epoch`).
        amp: ``'auto'`` (bf16 autocast on CUDA), ``'bf16'`` or ``'off'``.
        checkpoint: a file; after every epoch the full state (model, optimizer, scheduler,
            loader order, random generators, history) is saved there, and a run that finds it
            continues after its last finished epoch, ending as an uninterrupted run would.
        on_epoch_end: called as ``on_epoch_end(epoch, history)`` after each epoch.
        verbose: print one table row per epoch (a progress bar in a live notebook).

    Returns:
        The :class:`History`: ``epoch``, ``train_loss``, ``val_loss``, ``val_acc``, ``time``.

    Raises:
        TrainingError: when a loss becomes NaN or infinite (naming the epoch and step), or the
            model and data do not match.

    Example:
        >>> from lecturelib.loader import TensorLoader
        >>> model = nn.Linear(2, 2); opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> loader = TensorLoader(torch.randn(8, 2), torch.randint(0, 2, (8,)), batch_size=4)
        >>> len(fit(model, loader, num_epochs=2, optimizer=opt, verbose=False))
        2
    """
    if not isinstance(num_epochs, int) or num_epochs < 0:
        raise ValueError(f"num_epochs must be a non-negative integer, got {num_epochs!r}")
    device = _model_device(model) or torch.device("cpu")
    if device.type == "cuda" and _uses_conv(model):
        # channels-last (NHWC) lets cuDNN use its fastest convolution kernels
        model.to(memory_format=torch.channels_last)
    history, start = History(), 0
    state = checkpoints.Resumable(model, optimizer, scheduler, train_loader, history)
    if checkpoint is not None:
        start = state.load(checkpoint)
    progress = Progress(num_epochs, start, live=verbose and in_notebook() and not is_static())
    for epoch in range(start + 1, num_epochs + 1):
        t0 = time.perf_counter()
        step_losses = train_epoch(model, train_loader, optimizer, loss_fn,
                                  scheduler=scheduler, step_fn=step_fn, amp=amp)
        parts = [step_losses]
        if val_loader is not None:
            parts.append(_evaluate_sums(model, val_loader, loss_fn, step_fn, amp))
        values = torch.cat(parts).cpu()  # the one host synchronisation of the epoch
        losses = values[: len(step_losses)]
        bad = (~torch.isfinite(losses)).nonzero()
        if len(bad):
            raise TrainingError(
                f"the training loss became {losses[bad[0, 0]].item()} at epoch {epoch}, step "
                f"{int(bad[0, 0]) + 1} of {len(losses)}; try a smaller learning rate"
                + (f" (the checkpoint keeps epoch {epoch - 1})" if checkpoint else ""))
        row = {"epoch": epoch, "train_loss": float(losses.mean())}
        if val_loader is not None:
            loss_sum, correct, count = values[len(step_losses):].tolist()
            row["val_loss"] = loss_sum / count
            if not math.isnan(correct):
                row["val_acc"] = correct / count
        row["time"] = time.perf_counter() - t0
        history.append(**row)
        if checkpoint is not None:
            state.save(checkpoint, epoch)
        if verbose:
            progress.update(history)
        if on_epoch_end is not None:
            on_epoch_end(epoch, history)
    progress.close()
    return history
