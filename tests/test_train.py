"""Tests of the training loop (lecturelib.train) and checkpoint/resume (lecturelib.checkpoints)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import lecturelib
from lecturelib import History, TensorLoader, TrainingError, evaluate, fit, train_epoch
from lecturelib.checkpoints import CheckpointError
from lecturelib.train import _amp_dtype, autocast

ROOT = Path(__file__).resolve().parents[1]



def blobs(n: int = 400, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two well-separated Gaussian blobs: a linearly separable two-class problem."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    x = torch.randn(n, 2, generator=g) * 0.5 + (2.0 * y[:, None] - 1.0) * torch.tensor([2.0, 1.0])
    return x, y


def mlp(seed: int = 0, dropout: float = 0.0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 2))


# --- the loop --------------------------------------------------------------------------------

def test_fit_learns_a_separable_problem(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = blobs()
    model = mlp()
    train = TensorLoader(x, y, batch_size=32, seed=0)
    val = TensorLoader(*blobs(200, seed=1), batch_size=100, shuffle=False)
    history = fit(model, train, num_epochs=5, optimizer=torch.optim.SGD(model.parameters(), lr=0.2),
                  val_loader=val)
    assert history.keys() == ["epoch", "train_loss", "val_loss", "val_acc", "time"]
    assert history["epoch"] == [1, 2, 3, 4, 5]
    assert history["val_acc"][-1] > 0.97
    assert history["train_loss"][-1] < history["train_loss"][0] / 3
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 6  # the header and one row per epoch
    assert lines[0].split() == ["epoch", "train_loss", "val_loss", "val_acc", "time"]
    assert lines[1].endswith(" s")  # times carry their unit (nbval masks "<number> s")


def test_train_epoch_returns_every_step_loss_and_matches_a_hand_written_loop() -> None:
    x, y = blobs(96)
    model_a, model_b = mlp(3), mlp(3)
    opt_a = torch.optim.SGD(model_a.parameters(), lr=0.1)
    opt_b = torch.optim.SGD(model_b.parameters(), lr=0.1)
    losses = train_epoch(model_a, TensorLoader(x, y, batch_size=32, shuffle=False), opt_a)
    assert losses.shape == (3,)
    hand = []
    for i in range(3):  # the loop Part 2 writes by hand
        xb, yb = x[32 * i : 32 * (i + 1)], y[32 * i : 32 * (i + 1)]
        loss = F.cross_entropy(model_b(xb), yb)
        opt_b.zero_grad()
        loss.backward()
        opt_b.step()
        hand.append(loss.detach())
    torch.testing.assert_close(losses, torch.stack(hand))
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        torch.testing.assert_close(p, q)


def test_evaluate_matches_a_hand_count() -> None:
    x, y = blobs(50)
    model = mlp(1)
    result = evaluate(model, TensorLoader(x, y, batch_size=16, shuffle=False))
    with torch.no_grad():
        logits = model(x)
    assert result["acc"] == pytest.approx((logits.argmax(1) == y).double().mean().item())
    assert result["loss"] == pytest.approx(F.cross_entropy(logits, y).item(), rel=1e-6)


def test_evaluate_regression_reports_only_the_loss() -> None:
    x = torch.randn(20, 3)
    y = x.sum(1, keepdim=True)
    result = evaluate(nn.Linear(3, 1), TensorLoader(x, y, batch_size=8), F.mse_loss)
    assert set(result) == {"loss"}


def test_scheduler_steps_once_per_batch() -> None:
    x, y = blobs(64)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    fit(model, TensorLoader(x, y, batch_size=16), num_epochs=1, optimizer=opt, scheduler=sched,
        verbose=False)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5**4)


def test_step_fn_replaces_the_loss_computation() -> None:
    x, y = blobs(64)
    model = mlp()
    calls = []

    def step_fn(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        calls.append(len(batch[0]))
        return F.cross_entropy(model(batch[0]), batch[1]) * 2

    history = fit(model, TensorLoader(x, y, batch_size=32), num_epochs=2, verbose=False,
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.1), step_fn=step_fn,
                  val_loader=TensorLoader(x, y, batch_size=64, shuffle=False))
    assert calls == [32, 32, 64, 32, 32, 64]  # two train steps, then validation, per epoch
    assert "val_acc" not in history.keys() and len(history["val_loss"]) == 2


def test_bf16_autocast_runs_on_the_cpu_when_asked() -> None:
    x, y = blobs(64)
    model = mlp()
    history = fit(model, TensorLoader(x, y, batch_size=32), num_epochs=1, amp="bf16",
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.1), verbose=False)
    assert math.isfinite(history["train_loss"][0])


def test_amp_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    assert _amp_dtype("auto", cpu) is None and _amp_dtype("off", cuda) is None
    assert _amp_dtype("bf16", cpu) is torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert _amp_dtype("auto", cuda) is torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)
    assert _amp_dtype("auto", cuda) is None
    with pytest.raises(ValueError, match="does not support bf16"):
        _amp_dtype("bf16", cuda)
    with pytest.raises(ValueError, match="amp must be"):
        _amp_dtype("fp8", cpu)  # type: ignore[arg-type]
    with autocast(cpu, "off"):
        assert not torch.is_autocast_enabled("cpu")


# --- clear errors ------------------------------------------------------------------------------

def test_empty_loader_is_an_error() -> None:
    model = mlp()
    loader = TensorLoader(*blobs(10), batch_size=32, drop_last=True)
    with pytest.raises(ValueError, match="yielded no batches"):
        fit(model, loader, num_epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(ValueError, match="no batches"):
        evaluate(model, loader)


def test_regression_shape_mismatch_is_caught_before_broadcasting() -> None:
    x = torch.randn(16, 3)
    model = nn.Linear(3, 1)  # outputs (B, 1) but the targets are (B,)
    loader = TensorLoader(x, x.sum(1), batch_size=8)
    with pytest.raises(TrainingError, match=r"\(8, 1\) and targets \(8,\) differ in shape"):
        fit(model, loader, num_epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            loss_fn=F.mse_loss)


def test_class_targets_need_class_scores() -> None:
    model = nn.Sequential(nn.Linear(2, 1), nn.Flatten(0))  # (B,) instead of (B, C)
    with pytest.raises(TrainingError, match="need model outputs of shape"):
        train_epoch(model, TensorLoader(*blobs(16), batch_size=8),
                    torch.optim.SGD(model.parameters(), lr=0.1))


def test_batch_size_mismatch_and_non_tensor_output() -> None:
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = TensorLoader(*blobs(16), batch_size=8)

    class Twice(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.cat([model(x), model(x)])

    with pytest.raises(TrainingError, match="batch size 16 but the targets have 8"):
        train_epoch(Twice(), loader, opt)

    class Pair(nn.Module):
        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            return model(x), model(x)

    with pytest.raises(TrainingError, match="pass step_fn="):
        train_epoch(Pair(), loader, opt)


def test_model_and_data_on_different_devices() -> None:
    model = mlp().to("meta")  # any device other than the data's
    with pytest.raises(TrainingError, match="the model is on meta but the data is on cpu"):
        train_epoch(model, TensorLoader(*blobs(16), batch_size=8),
                    torch.optim.SGD(model.parameters(), lr=0.1))


def test_nan_loss_names_the_epoch_and_step() -> None:
    x, y = blobs(64)
    model = mlp()
    calls = {"n": 0}

    def loss_fn(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        calls["n"] += 1
        loss = F.cross_entropy(out, target)
        return loss * math.nan if calls["n"] == 7 else loss  # epoch 2 (4 steps each), step 3

    with pytest.raises(TrainingError, match="became nan at epoch 2, step 3 of 4"):
        fit(model, TensorLoader(x, y, batch_size=16), num_epochs=3, loss_fn=loss_fn,
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1), verbose=False)


def test_bad_num_epochs() -> None:
    model = mlp()
    with pytest.raises(ValueError, match="num_epochs"):
        fit(model, [], num_epochs=-1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))


# --- History -----------------------------------------------------------------------------------

def test_history_table_and_lookup() -> None:
    history = History()
    assert repr(history) == "History(empty)"
    history.append(epoch=1, train_loss=0.5, time=0.25)
    history.append(epoch=2, train_loss=0.25, val_acc=0.9, time=0.25)
    assert history.keys() == ["epoch", "train_loss", "time", "val_acc"]
    assert math.isnan(history["val_acc"][0]) and history["val_acc"][1] == 0.9
    assert len(history) == 2
    with pytest.raises(KeyError, match="recorded: epoch, train_loss"):
        history["val_loss"]
    rows = history.table().splitlines()
    assert rows[2].split() == ["2", "0.2500", "0.25", "s", "0.9000"]
    fig = lecturelib.plot_history(history)
    assert len(fig.axes) == 2  # loss and acc panels


# --- checkpoint and resume ---------------------------------------------------------------------

def make_run(seed: int = 0) -> tuple[nn.Module, torch.optim.Optimizer, object, TensorLoader]:
    """A small run with every source of randomness: init, shuffling, dropout, momentum."""
    lecturelib.seed_everything(seed)
    x, y = blobs(128, seed=seed)
    model = mlp(seed, dropout=0.2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.7)
    return model, optimizer, scheduler, TensorLoader(x, y, batch_size=16)


def train_run(path: Path | None, num_epochs: int = 4, stop_after: int | None = None):  # noqa: ANN201
    model, optimizer, scheduler, loader = make_run()

    def stop(epoch: int, history: History) -> None:
        if epoch == stop_after:
            raise KeyboardInterrupt  # as if the reader interrupted the kernel

    history = fit(model, loader, num_epochs=num_epochs, optimizer=optimizer, scheduler=scheduler,
                  checkpoint=path, on_epoch_end=stop, verbose=False)
    return model, history


def test_interrupted_run_resumes_to_the_same_result(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    reference, ref_history = train_run(None)
    path = tmp_path / "run.pt"
    with pytest.raises(KeyboardInterrupt):
        train_run(path, stop_after=2)
    assert path.exists() and not path.with_name("run.pt.tmp").exists()
    resumed, history = train_run(path)  # fresh objects, as after a kernel restart
    assert "resuming from" in capsys.readouterr().out
    for p, q in zip(reference.parameters(), resumed.parameters()):
        assert torch.equal(p, q)
    assert history["epoch"] == [1, 2, 3, 4]
    assert history["train_loss"] == ref_history["train_loss"]


def test_a_killed_process_resumes_from_its_last_finished_epoch(tmp_path: Path) -> None:
    """SIGKILL in the middle of epoch 3: the checkpoint of epoch 2 survives and resumes."""
    path = tmp_path / "killed.pt"
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT / 'tests')!r})
        import torch.nn.functional as F
        import test_train as t
        model, optimizer, scheduler, loader = t.make_run()
        calls = {{"n": 0}}
        def loss_fn(out, y):
            calls["n"] += 1
            if calls["n"] == 2 * len(loader) + 3:  # third step of epoch 3
                os.kill(os.getpid(), signal.SIGKILL)
            return F.cross_entropy(out, y)
        t.fit(model, loader, num_epochs=4, optimizer=optimizer, scheduler=scheduler,
              loss_fn=loss_fn, checkpoint={str(path)!r}, verbose=False)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -9, result.stderr.decode()[-2000:]
    assert torch.load(path, weights_only=True)["epoch"] == 2
    reference, _ = train_run(None)
    resumed, history = train_run(path)
    assert len(history) == 4
    for p, q in zip(reference.parameters(), resumed.parameters()):
        assert torch.equal(p, q)


def test_a_finished_checkpoint_returns_its_history_without_training(tmp_path: Path) -> None:
    path = tmp_path / "done.pt"
    _, history = train_run(path, num_epochs=2)
    model, optimizer, scheduler, loader = make_run()
    before = [p.clone() for p in model.parameters()]
    again = fit(model, loader, num_epochs=2, optimizer=optimizer, checkpoint=path, verbose=False)
    assert again["train_loss"] == history["train_loss"]
    assert not all(torch.equal(a, b) for a, b in zip(before, model.parameters()))  # restored


def test_unusable_checkpoints_give_clear_errors(tmp_path: Path) -> None:
    model, optimizer, _, loader = make_run()
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot read checkpoint"):
        fit(model, loader, num_epochs=1, optimizer=optimizer, checkpoint=truncated)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(2)}, foreign)
    with pytest.raises(CheckpointError, match="not a lecturelib checkpoint"):
        fit(model, loader, num_epochs=1, optimizer=optimizer, checkpoint=foreign)
    other = tmp_path / "other.pt"
    train_run(other, num_epochs=1)
    wider = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
    with pytest.raises(CheckpointError, match="different model"):
        fit(wider, loader, num_epochs=2, checkpoint=other,
            optimizer=torch.optim.SGD(wider.parameters(), lr=0.1))


# --- progress display ------------------------------------------------------------------------

def test_live_notebook_shows_a_progress_bar_instead_of_the_table(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import lecturelib.train as train

    monkeypatch.setattr(train, "in_notebook", lambda: True)
    x, y = blobs(32)
    model = mlp()
    fit(model, TensorLoader(x, y, batch_size=16), num_epochs=2,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    captured = capsys.readouterr()
    assert "train_loss" not in captured.out  # no table
    assert "2/2" in captured.err  # tqdm's bar (the text version outside Jupyter)

    monkeypatch.setenv("LECTURELIB_STATIC", "1")  # a build: the table again, no bar
    fit(model, TensorLoader(x, y, batch_size=16), num_epochs=1,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    assert "train_loss" in capsys.readouterr().out


# --- GPU ---------------------------------------------------------------------------------------

@pytest.mark.gpu
def test_gpu_fit_uses_channels_last_bf16_and_no_per_step_sync() -> None:
    device = torch.device("cuda")
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(8, 10)).to(device)
    x = torch.rand(256, 3, 32, 32)
    y = torch.randint(0, 10, (256,))
    loader = TensorLoader(x, y, batch_size=64, device=device, channels_last=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, loader, num_epochs=1, optimizer=optimizer, verbose=False)
    assert model[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert math.isfinite(history["train_loss"][0])
    with autocast(device):
        assert model(loader.x[:4]).dtype == torch.bfloat16
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")  # any host synchronisation now raises
    try:
        losses = train_epoch(model, loader, optimizer)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert losses.device.type == "cuda" and losses.shape == (4,)
