"""Tests of lecturelib.env: device, profile, budget, seeds, the one-line report."""

from __future__ import annotations

import os
import random
import re
import sys
import types

import matplotlib

matplotlib.use("Agg")

import matplotlib_inline.backend_inline  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import lecturelib  # noqa: E402
import lecturelib.env  # noqa: E402
from lecturelib.env import (  # noqa: E402
    Run,
    budget,
    current_run,
    device_name,
    get_device,
    in_notebook,
    is_static,
    profile,
    seed_everything,
    setup,
)


@pytest.fixture(autouse=True)
def formats_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Record set_matplotlib_formats calls instead of touching an IPython shell."""
    calls: list[tuple] = []
    monkeypatch.setattr(
        matplotlib_inline.backend_inline, "set_matplotlib_formats",
        lambda *formats, **kw: calls.append(formats),
    )
    return calls


@pytest.fixture
def no_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lecturelib.env, "in_notebook", lambda: False)


@pytest.fixture
def restore_cuda_flags():
    saved = (
        torch.backends.cuda.matmul.allow_tf32,
        torch.backends.cudnn.allow_tf32,
        torch.backends.cudnn.benchmark,
    )
    yield
    (
        torch.backends.cuda.matmul.allow_tf32,
        torch.backends.cudnn.allow_tf32,
        torch.backends.cudnn.benchmark,
    ) = saved


# ---------------------------------------------------------------- get_device / device_name


def test_get_device_is_cpu_here() -> None:
    if torch.cuda.is_available():  # pragma: no cover - this suite runs on the CPU
        pytest.skip("a GPU is present")
    assert get_device() == torch.device("cpu")


def test_get_device_prefers_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device() == torch.device("cuda")


def test_get_device_uses_mps_without_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device() == torch.device("mps")


def test_get_device_falls_back_to_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert get_device() == torch.device("cpu")


def test_device_name() -> None:
    assert device_name(torch.device("cpu")) == f"{os.cpu_count()} CPU cores"
    assert device_name(torch.device("mps")) == "Apple GPU"


def test_device_name_cuda_asks_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Fake H100")
    assert device_name(torch.device("cuda")) == "Fake H100"


# ---------------------------------------------------------------- profile / budget


def test_profile_default_is_quick_without_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert profile() == "quick"
    assert budget(quick=3, full=30) == 3


def test_profile_default_is_full_with_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert profile() == "full"
    assert budget(quick=3, full=30) == 30


@pytest.mark.parametrize("value, expected", [("full", "full"), ("quick", "quick"),
                                             (" FULL ", "full")])
def test_profile_env_var_is_honoured(monkeypatch: pytest.MonkeyPatch, value, expected) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("LECTURELIB_PROFILE", value)
    assert profile() == expected
    assert budget(quick="q", full="f") == expected[0]


def test_profile_env_var_quick_beats_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv("LECTURELIB_PROFILE", "quick")
    assert profile() == "quick"


def test_profile_empty_env_var_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("LECTURELIB_PROFILE", "  ")
    assert profile() == "quick"


def test_profile_invalid_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTURELIB_PROFILE", "turbo")
    with pytest.raises(ValueError, match=r"LECTURELIB_PROFILE='turbo' is not understood"):
        profile()
    with pytest.raises(ValueError, match="LECTURELIB_PROFILE"):
        budget(quick=1, full=2)


def test_setup_rejects_invalid_env_profile(monkeypatch: pytest.MonkeyPatch, no_notebook) -> None:
    monkeypatch.setenv("LECTURELIB_PROFILE", "medium")
    with pytest.raises(ValueError, match="LECTURELIB_PROFILE"):
        setup(quiet=True)


def test_setup_rejects_bogus_profile(no_notebook) -> None:
    with pytest.raises(ValueError, match="profile must be 'quick' or 'full'"):
        setup(profile="bogus")  # type: ignore[arg-type]
    assert current_run() is None


# ---------------------------------------------------------------- setup


def test_setup_prints_one_documented_line(capsys, no_notebook) -> None:
    run = setup()
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"lecturelib · device cpu \(\d+ CPU cores\) · torch \S+ · profile quick · seed 0",
        lines[0],
    )
    version = torch.__version__.split("+")[0]
    assert lines[0] == (
        f"lecturelib · device cpu ({os.cpu_count()} CPU cores) · torch {version} · "
        "profile quick · seed 0"
    )
    assert isinstance(run, Run)
    assert str(run) == lines[0]
    assert (run.device, run.profile, run.seed, run.torch_version) == (
        torch.device("cpu"), "quick", 0, version)
    assert "+" not in run.torch_version


def test_setup_quiet_prints_nothing(capsys, no_notebook) -> None:
    run = setup(seed=4, quiet=True)
    assert capsys.readouterr().out == ""
    assert run.seed == 4


def test_setup_returns_frozen_run(no_notebook) -> None:
    run = setup(quiet=True)
    with pytest.raises(AttributeError):
        run.seed = 1  # type: ignore[misc]


def test_setup_seeds_everything(no_notebook) -> None:
    setup(seed=11, quiet=True)
    drawn = (torch.rand(3), np.random.rand(3), random.random())
    seed_everything(11)
    assert torch.equal(drawn[0], torch.rand(3))
    assert np.array_equal(drawn[1], np.random.rand(3))
    assert drawn[2] == random.random()


def test_setup_env_seed_overrides_argument(monkeypatch: pytest.MonkeyPatch, capsys,
                                           no_notebook) -> None:
    monkeypatch.setenv("LECTURELIB_SEED", " 7 ")
    run = setup(seed=5)
    assert run.seed == 7
    assert capsys.readouterr().out.rstrip().endswith("seed 7")
    drawn = torch.rand(4)
    torch.manual_seed(7)
    assert torch.equal(drawn, torch.rand(4))


@pytest.mark.parametrize("value", ["seven", "1.5", "0x10"])
def test_setup_rejects_non_integer_env_seed(monkeypatch: pytest.MonkeyPatch, value,
                                            no_notebook) -> None:
    monkeypatch.setenv("LECTURELIB_SEED", value)
    with pytest.raises(ValueError, match="LECTURELIB_SEED=.* is not an integer"):
        setup(quiet=True)


def test_setup_rejects_negative_env_seed(monkeypatch: pytest.MonkeyPatch, no_notebook) -> None:
    monkeypatch.setenv("LECTURELIB_SEED", "-1")
    with pytest.raises(ValueError, match="non-negative integer"):
        setup(quiet=True)


def test_setup_profile_argument_and_env(monkeypatch: pytest.MonkeyPatch, no_notebook) -> None:
    assert setup(profile="full", quiet=True).profile == "full"
    monkeypatch.setenv("LECTURELIB_PROFILE", "full")
    assert setup(quiet=True).profile == "full"
    assert setup(profile="quick", quiet=True).profile == "quick"  # the argument wins


def test_setup_choice_sticks_when_env_changes(monkeypatch: pytest.MonkeyPatch,
                                              no_notebook) -> None:
    setup(profile="full", quiet=True)
    monkeypatch.setenv("LECTURELIB_PROFILE", "quick")
    assert profile() == "full"
    assert budget(quick=1, full=2) == 2
    monkeypatch.setenv("LECTURELIB_PROFILE", "full")
    setup(profile="quick", quiet=True)
    assert profile() == "quick"
    assert budget(quick=1, full=2) == 1


def test_current_run_before_and_after_setup(no_notebook) -> None:
    assert current_run() is None
    run = setup(seed=2, quiet=True)
    assert current_run() is run
    run2 = setup(seed=3, quiet=True)
    assert current_run() is run2


def test_setup_applies_book_style(no_notebook) -> None:
    matplotlib.rcParams["axes.spines.top"] = True
    setup(quiet=True)
    assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["svg.hashsalt"] == "lecturelib"


def test_setup_in_notebook_asks_for_retina(monkeypatch: pytest.MonkeyPatch,
                                           formats_calls) -> None:
    monkeypatch.setattr(lecturelib.env, "in_notebook", lambda: True)
    setup(quiet=True)
    assert formats_calls == [("retina",)]


def test_setup_outside_notebook_leaves_formats_alone(formats_calls, no_notebook) -> None:
    setup(quiet=True)
    assert formats_calls == []


def test_setup_cuda_branch(monkeypatch: pytest.MonkeyPatch, capsys, no_notebook,
                           restore_cuda_flags) -> None:
    monkeypatch.setattr(lecturelib.env, "get_device", lambda: torch.device("cuda"))
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Fake GPU")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    run = setup()
    assert run.device == torch.device("cuda")
    assert run.device_name == "Fake GPU"
    assert run.profile == "full"  # the default with CUDA
    assert torch.backends.cuda.matmul.allow_tf32 is True
    assert torch.backends.cudnn.allow_tf32 is True
    assert torch.backends.cudnn.benchmark is True
    version = torch.__version__.split("+")[0]
    assert capsys.readouterr().out == (
        f"lecturelib · device cuda (Fake GPU) · torch {version} · profile full · seed 0\n"
    )


def test_setup_cuda_branch_honours_quick(monkeypatch: pytest.MonkeyPatch, no_notebook,
                                         restore_cuda_flags) -> None:
    monkeypatch.setattr(lecturelib.env, "get_device", lambda: torch.device("cuda"))
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Fake GPU")
    monkeypatch.setenv("LECTURELIB_PROFILE", "quick")
    assert setup(quiet=True).profile == "quick"


def test_setup_mps_branch(monkeypatch: pytest.MonkeyPatch, capsys, no_notebook) -> None:
    monkeypatch.setattr(lecturelib.env, "get_device", lambda: torch.device("mps"))
    run = setup()
    assert run.profile == "quick"
    assert "device mps (Apple GPU)" in capsys.readouterr().out


# ---------------------------------------------------------------- seed_everything


def test_seed_everything_reproduces_draws() -> None:
    assert seed_everything(3) == 3
    first = (random.random(), np.random.rand(2), torch.rand(2))
    seed_everything(3)
    second = (random.random(), np.random.rand(2), torch.rand(2))
    assert first[0] == second[0]
    assert np.array_equal(first[1], second[1])
    assert torch.equal(first[2], second[2])
    seed_everything(4)
    other = (random.random(), np.random.rand(2), torch.rand(2))
    assert other[0] != first[0]
    assert not np.array_equal(other[1], first[1])
    assert not torch.equal(other[2], first[2])


def test_seed_everything_accepts_numpy_and_large_ints() -> None:
    seed = seed_everything(np.int64(5))
    assert seed == 5 and type(seed) is int
    assert seed_everything(2**40) == 2**40  # NumPy's seed is reduced modulo 2**32


@pytest.mark.parametrize("bad", [-1, True, False, 1.0, "3", None])
def test_seed_everything_rejects_bad_seeds(bad) -> None:
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        seed_everything(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------- is_static / in_notebook


@pytest.mark.parametrize("value, expected", [("1", True), (" 1 ", True), ("0", False),
                                             ("", False), ("true", False)])
def test_is_static(monkeypatch: pytest.MonkeyPatch, value, expected) -> None:
    monkeypatch.setenv("LECTURELIB_STATIC", value)
    assert is_static() is expected


def test_is_static_unset() -> None:
    assert is_static() is False


def test_in_notebook_false_under_pytest() -> None:
    # this process has no running kernel, whatever plugins (nbval) imported ipykernel
    assert in_notebook() is False


def test_in_notebook_false_when_ipykernel_is_merely_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert in_notebook() is False


def _fake_ipython(shell: object) -> types.ModuleType:
    module = types.ModuleType("IPython")
    module.get_ipython = lambda: shell  # type: ignore[attr-defined]
    return module


def test_in_notebook_true_inside_a_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "IPython", _fake_ipython(shell))
    assert in_notebook() is True


def test_in_notebook_false_in_a_terminal_ipython(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "IPython", _fake_ipython(types.SimpleNamespace()))
    assert in_notebook() is False
    monkeypatch.setitem(sys.modules, "IPython", _fake_ipython(None))
    assert in_notebook() is False


def test_in_notebook_false_without_ipython(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert in_notebook() is False


def test_top_level_exports_are_the_env_functions() -> None:
    assert lecturelib.setup is setup
    assert lecturelib.profile is profile
    assert lecturelib.budget is budget
