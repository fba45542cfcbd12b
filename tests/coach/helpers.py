"""Running the coach on the virtual clock and reading what it did."""

from __future__ import annotations

from typing import Any

from assistant.coach.messages import Gesture
from assistant.routine import default_routine
from assistant.simulate import ScriptedInput, run_simulation
from assistant.timeline import Timeline

ROUTINE = default_routine()


def simulate(*inputs: tuple[float, str], routine=ROUTINE) -> list[dict[str, Any]]:
    """Run a simulation; an input is (seconds, text) or (seconds, "button:GESTURE")."""
    scripted = []
    for at, text in inputs:
        if text.startswith("button:"):
            scripted.append(ScriptedInput(at, gesture=Gesture(text.split(":", 1)[1])))
        else:
            scripted.append(ScriptedInput(at, text=text))
    records: list[dict[str, Any]] = []
    run_simulation(routine, scripted, Timeline(0.0, records.append))
    return records


def of_type(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The records of one type, in order."""
    return [r for r in records if r["type"] == kind]


def said(records: list[dict[str, Any]]) -> list[str]:
    """Everything the coach said, in order."""
    return [r["text"] for r in of_type(records, "say")]


def holds(records: list[dict[str, Any]]) -> list[tuple[dict, dict]]:
    """Pairs of (hold_start, hold_end) records."""
    starts = of_type(records, "hold_start")
    ends = of_type(records, "hold_end")
    assert len(starts) == len(ends)
    return list(zip(starts, ends))


def first(records: list[dict[str, Any]], kind: str, after: float = -1.0, **match: Any) -> dict[str, Any]:
    """The first record of `kind` after time `after` whose fields match."""
    for record in records:
        if record["type"] == kind and record["t"] > after and all(record.get(k) == v for k, v in match.items()):
            return record
    raise AssertionError(f"no {kind} {match} after {after}")
