"""Argument validation shared by the data helpers: clear errors instead of deep torch errors."""

from __future__ import annotations

import math
import numbers
from typing import Any


def positive_int(name: str, value: Any, *, or_none: bool = False) -> int:
    """``value`` as an int if it is a positive integer (numpy integers too, bools not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        allowed = "a positive integer or None" if or_none else "a positive integer"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def nonnegative_number(name: str, value: Any) -> float:
    """``value`` as a float if it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite non-negative number, got {value!r}")
    return float(value)
