"""Checks: every number the prose quotes is asserted, and the assertion is printed readably.

A check prints one line when it holds (``✔ GD diverges for alpha = 2.1/L: checked``) and raises
:class:`CheckFailed` (an ``AssertionError``) with the claim, the measured value and the expected
one when it does not, so a notebook (and the build, and CI) stops at the first false claim.
"""

from __future__ import annotations

import math
from typing import Any

import torch

__all__ = ["CheckFailed", "check", "check_close", "check_between"]


class CheckFailed(AssertionError):
    """A claim of the book did not hold."""


def _number(value: Any) -> float:
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(
                f"expected a single number, got a tensor of shape {tuple(value.shape)}")
        return float(value.detach().cpu())
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _report(claim: str, detail: str = "") -> None:
    print(f"✔ {claim}{f' ({detail})' if detail else ''}: checked")


def check(claim: str, condition: Any, *, detail: str = "") -> None:
    """Assert that ``condition`` is true and print the claim as checked.

    Args:
        claim: the sentence being checked, as the reader should see it.
        condition: a bool, or a one-element tensor or array that is truthy.
        detail: optional measured values to print next to the claim.

    Raises:
        CheckFailed: when ``condition`` is false.

    Example:
        >>> check('2 + 2 = 4', 2 + 2 == 4)
        ✔ 2 + 2 = 4: checked
    """
    if isinstance(condition, torch.Tensor):
        if condition.numel() != 1:
            raise ValueError(
                f"check({claim!r}) needs a single truth value, got a tensor of shape "
                f"{tuple(condition.shape)}; reduce it with .all() or .any()"
            )
        condition = bool(condition)
    if not condition:
        raise CheckFailed(f"claim does not hold: {claim}{f' ({detail})' if detail else ''}")
    _report(claim, detail)


def check_close(
    claim: str, actual: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 0.0
) -> None:
    """Assert ``|actual - expected| <= atol + rtol * |expected|`` and print it.

    Args:
        claim: what is being compared, e.g. ``'measured growth factor'``.
        actual: the measured number (float, int, or one-element tensor).
        expected: the value the prose quotes or the theory predicts.
        rtol: relative tolerance.
        atol: absolute tolerance.

    Raises:
        CheckFailed: when the two differ by more than the tolerance (or either is NaN).

    Example:
        >>> check_close('pi', 3.14159, math.pi, rtol=1e-5)
        ✔ pi = 3.142 ≈ 3.142 (rtol 1e-05): checked
    """
    if rtol < 0 or atol < 0:
        raise ValueError("rtol and atol must be non-negative")
    a, e = _number(actual), _number(expected)
    tol_text = ", ".join(
        t for t in (f"rtol {rtol:g}" if rtol else "", f"atol {atol:g}" if atol else "") if t
    )
    if math.isinf(a) or math.isinf(e):
        ok = a == e  # an infinity is close only to the same infinity
    else:
        ok = math.isfinite(a) and abs(a - e) <= atol + rtol * abs(e)
    text = f"{claim} = {_fmt(a)} ≈ {_fmt(e)}"
    if not ok:
        raise CheckFailed(
            f"claim does not hold: {claim}: measured {a!r}, expected {e!r} "
            f"({tol_text or 'exact'}; difference {abs(a - e):.3g})"
        )
    print(f"✔ {text}{f' ({tol_text})' if tol_text else ''}: checked")


def check_between(claim: str, actual: Any, low: float, high: float) -> None:
    """Assert ``low <= actual <= high`` and print it.

    Use it for measured quantities with an uncertainty (a rate from a fit, a Monte Carlo
    estimate with its confidence interval).

    Raises:
        CheckFailed: when ``actual`` lies outside ``[low, high]`` or is NaN.

    Example:
        >>> check_between('acceptance rate', 0.31, 0.2, 0.5)
        ✔ acceptance rate = 0.31 in [0.2, 0.5]: checked
    """
    if low > high:
        raise ValueError(f"empty interval: low={low} > high={high}")
    a = _number(actual)
    if not (low <= a <= high):
        raise CheckFailed(
            f"claim does not hold: {claim}: measured {a!r}, outside [{low:g}, {high:g}]"
        )
    print(f"✔ {claim} = {_fmt(a)} in [{low:g}, {high:g}]: checked")
