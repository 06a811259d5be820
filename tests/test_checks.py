"""Tests of lecturelib.checks: check, check_close, check_between."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import lecturelib
import lecturelib.env
from lecturelib.checks import CheckFailed, check, check_between, check_close

INF = math.inf
NAN = math.nan



def test_check_failed_is_an_assertion_error() -> None:
    assert issubclass(CheckFailed, AssertionError)
    assert lecturelib.CheckFailed is CheckFailed


# ---------------------------------------------------------------- check


def test_check_prints_the_claim(capsys) -> None:
    check("2 + 2 = 4", 2 + 2 == 4)
    assert capsys.readouterr().out == "✔ 2 + 2 = 4: checked\n"


def test_check_prints_detail(capsys) -> None:
    check("loss decreases", True, detail="2.3 -> 0.4")
    assert capsys.readouterr().out == "✔ loss decreases (2.3 -> 0.4): checked\n"


def test_check_false_raises_with_the_claim(capsys) -> None:
    with pytest.raises(CheckFailed, match=r"claim does not hold: 2 \+ 2 = 5") as info:
        check("2 + 2 = 5", 2 + 2 == 5)
    assert isinstance(info.value, AssertionError)
    assert capsys.readouterr().out == ""  # nothing claimed as checked


def test_check_false_message_carries_detail() -> None:
    with pytest.raises(CheckFailed, match=r"GD converges \(loss 3\.1\)"):
        check("GD converges", False, detail="loss 3.1")


@pytest.mark.parametrize("condition", [1, [1], "yes", np.bool_(True), np.array([True])])
def test_check_truthy_conditions(condition, capsys) -> None:
    check("truthy", condition)
    assert capsys.readouterr().out == "✔ truthy: checked\n"


@pytest.mark.parametrize("condition", [0, [], "", None, np.bool_(False), np.array([False])])
def test_check_falsy_conditions(condition) -> None:
    with pytest.raises(CheckFailed, match="falsy"):
        check("falsy", condition)


def test_check_one_element_tensors(capsys) -> None:
    check("scalar tensor", torch.tensor(True))
    check("one-element tensor", torch.tensor([[1.0]]) > 0)
    assert capsys.readouterr().out.count("checked") == 2
    with pytest.raises(CheckFailed, match="false tensor"):
        check("false tensor", torch.tensor([False]))
    with pytest.raises(CheckFailed, match="zero tensor"):
        check("zero tensor", torch.tensor(0.0))


def test_check_several_element_tensor_needs_reduction() -> None:
    cond = torch.tensor([True, True, True])
    with pytest.raises(ValueError, match=r"\.all\(\)") as info:
        check("all positive", cond)
    assert "shape (3,)" in str(info.value)
    assert not isinstance(info.value, CheckFailed)
    with pytest.raises(ValueError, match="single truth value"):
        check("empty", torch.tensor([], dtype=torch.bool))


def test_check_several_element_array_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"all\(\)"):
        check("array", np.array([True, False]))


# ---------------------------------------------------------------- check_close


def test_check_close_within_tolerance(capsys) -> None:
    check_close("pi", 3.14159, math.pi, rtol=1e-5)
    assert capsys.readouterr().out == "✔ pi = 3.142 ≈ 3.142 (rtol 1e-05): checked\n"


def test_check_close_exact_default(capsys) -> None:
    check_close("one", 1.0, 1.0)
    assert capsys.readouterr().out == "✔ one = 1 ≈ 1 (rtol 1e-06): checked\n"
    with pytest.raises(CheckFailed, match="measured 1.001, expected 1.0"):
        check_close("one", 1.001, 1.0)


def test_check_close_exact_when_both_tolerances_are_zero(capsys) -> None:
    check_close("exact", 0.5, 0.5, rtol=0)
    assert capsys.readouterr().out == "✔ exact = 0.5 ≈ 0.5: checked\n"
    with pytest.raises(CheckFailed, match=r"\(exact; difference"):
        check_close("exact", 0.5 + 1e-12, 0.5, rtol=0)


def test_check_close_tolerance_boundary() -> None:
    check_close("atol edge", 1.25, 1.0, rtol=0, atol=0.25)  # |d| == atol passes
    with pytest.raises(CheckFailed, match="atol 0.25"):
        check_close("atol edge", 1.2500001, 1.0, rtol=0, atol=0.25)
    check_close("rtol edge", 12.0, 10.0, rtol=0.2)
    with pytest.raises(CheckFailed, match=r"rtol 0.1; difference 2"):
        check_close("rtol edge", 12.0, 10.0, rtol=0.1)


def test_check_close_rtol_is_relative_to_expected() -> None:
    check_close("big", 1000.5, 1000.0, rtol=1e-3)
    with pytest.raises(CheckFailed):
        check_close("small", 1.5, 1.0, rtol=1e-3)


def test_check_close_failure_message() -> None:
    with pytest.raises(CheckFailed) as info:
        check_close("growth factor", 2.5, 2.0, rtol=0.1, atol=0.01)
    msg = str(info.value)
    assert msg.startswith("claim does not hold: growth factor")
    assert "measured 2.5" in msg and "expected 2.0" in msg
    assert "rtol 0.1, atol 0.01" in msg
    assert "difference 0.5" in msg


def test_check_close_accepts_tensors_and_numpy(capsys) -> None:
    check_close("tensor", torch.tensor(2.0), 2.0)
    check_close("0-d and 1-element", torch.tensor([3.0]), np.float64(3.0))
    check_close("int", 4, torch.tensor(4))
    check_close("grad tensor", torch.tensor(1.0, requires_grad=True) * 2, 2.0)
    assert capsys.readouterr().out.count("checked") == 4


@pytest.mark.parametrize("actual, expected", [(NAN, NAN), (NAN, 1.0), (1.0, NAN),
                                              (torch.tensor(NAN), 0.0)])
def test_check_close_nan_never_passes(actual, expected) -> None:
    with pytest.raises(CheckFailed, match="nan"):
        check_close("nan", actual, expected, rtol=1.0, atol=1e9)


def test_check_close_equal_infinities_pass(capsys) -> None:
    check_close("diverges", INF, INF)
    check_close("diverges down", -INF, -INF, rtol=0)
    assert capsys.readouterr().out.count("checked") == 2


@pytest.mark.parametrize("actual, expected", [(INF, -INF), (-INF, INF), (INF, 1e308)])
def test_check_close_unequal_infinities_fail(actual, expected) -> None:
    with pytest.raises(CheckFailed):
        check_close("inf", actual, expected, rtol=0.5)


def test_check_close_finite_is_not_close_to_infinity() -> None:
    with pytest.raises(CheckFailed):
        check_close("finite vs inf", 1.0, INF)


def test_check_close_finite_vs_infinity_with_rtol_zero_fails() -> None:
    with pytest.raises(CheckFailed):
        check_close("finite vs inf", 1.0, INF, rtol=0)


@pytest.mark.parametrize("kw", [{"rtol": -1e-6}, {"atol": -1.0}, {"rtol": -1, "atol": -1}])
def test_check_close_negative_tolerances(kw) -> None:
    with pytest.raises(ValueError, match="rtol and atol must be non-negative"):
        check_close("x", 1.0, 1.0, **kw)


@pytest.mark.parametrize("bad", ["abc", None, [1.0], object()])
def test_check_close_non_numbers(bad) -> None:
    with pytest.raises(ValueError, match="expected a number"):
        check_close("x", bad, 1.0)
    with pytest.raises(ValueError, match="expected a number"):
        check_close("x", 1.0, bad)


def test_check_close_multi_element_tensors() -> None:
    with pytest.raises(ValueError, match=r"single number, got a tensor of shape \(2,\)"):
        check_close("x", torch.tensor([1.0, 1.0]), 1.0)
    with pytest.raises(ValueError, match=r"shape \(0,\)"):
        check_close("x", 1.0, torch.tensor([]))


# ---------------------------------------------------------------- check_between


def test_check_between_inside(capsys) -> None:
    check_between("acceptance rate", 0.31, 0.2, 0.5)
    assert capsys.readouterr().out == "✔ acceptance rate = 0.31 in [0.2, 0.5]: checked\n"


def test_check_between_endpoints_are_included(capsys) -> None:
    check_between("low end", 0.2, 0.2, 0.5)
    check_between("high end", torch.tensor(0.5), 0.2, 0.5)
    check_between("point interval", 1, 1, 1)
    assert capsys.readouterr().out.count("checked") == 3


@pytest.mark.parametrize("actual", [0.19, 0.51, -INF, INF, NAN])
def test_check_between_outside(actual) -> None:
    with pytest.raises(CheckFailed, match=r"rate: measured .*, outside \[0.2, 0.5\]"):
        check_between("rate", actual, 0.2, 0.5)


def test_check_between_empty_interval() -> None:
    with pytest.raises(ValueError, match="empty interval: low=2 > high=1"):
        check_between("x", 1.5, 2, 1)


def test_check_between_bad_actual() -> None:
    with pytest.raises(ValueError, match="expected a number"):
        check_between("x", "abc", 0.2, 0.5)
    with pytest.raises(ValueError, match="single number"):
        check_between("x", torch.tensor([0.3, 0.4]), 0.2, 0.5)
