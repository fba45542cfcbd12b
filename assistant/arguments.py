"""Numbers from the command line, checked in one place.

Every number a person types is parsed by `number_in`: it must be finite and
inside the range the option allows, or argparse prints a message naming the
option and exits 2. Nothing absurd (nan, inf, 1e20) reaches the code behind it.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from assistant.errors import InputError


def _number(text: str, low: float, high: float, integer: bool) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"must be {kind} from {low:g} to {high:g}, not {text!r}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"must be from {low:g} to {high:g}, not {text}")
    return value


def number_in(low: float, high: float, *, integer: bool = False) -> Callable[[str], float]:
    """An argparse `type=` that accepts only a finite number from `low` to `high`."""

    def parse(text: str) -> float:
        try:
            return _number(text, low, high, integer)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = "whole number" if integer else "number"
    return parse


def timed_value(spec: str, option: str) -> tuple[float, str]:
    """Split `SECONDS:VALUE` (`--event 12.5:pause`), the seconds within the simulation's virtual day."""
    from assistant.simulate import MAX_VIRTUAL_SECONDS

    seconds, sep, rest = spec.partition(":")
    example = f"expected SECONDS:VALUE, e.g. {option} 12.5:pause"
    if not sep or not rest.strip():
        raise InputError(f"{option} {spec!r}: {example}")
    try:
        at = _number(seconds.strip(), 0, MAX_VIRTUAL_SECONDS, integer=False)
    except ValueError as error:
        raise InputError(f"{option} {spec!r}: the seconds {error}; {example}") from None
    return at, rest.strip()
