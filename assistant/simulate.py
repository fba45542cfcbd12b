"""Run the coach on a virtual clock: instant, deterministic, same code as the service."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import ClassVar

from assistant.coach import Coach
from assistant.coach.messages import ButtonGesture, Event, Gesture, Heard, Tick
from assistant.routine import Routine
from assistant.speech.intents import IntentParser
from assistant.timeline import Timeline

MAX_VIRTUAL_SECONDS = 24 * 3600.0
"""A simulation stops after a virtual day, whatever happens: nothing can hang it."""


@dataclass(frozen=True)
class Unrecognized:
    """Text that is not a command: recorded, never passed to the coach."""

    type: ClassVar[str] = "unrecognized"
    text: str
    source: str = "text"


@dataclass(frozen=True)
class ScriptedInput:
    """One input of a simulation: spoken text or a button gesture at a time."""

    at: float
    text: str | None = None
    gesture: Gesture | None = None


def run_simulation(routine: Routine, inputs: list[ScriptedInput], timeline: Timeline) -> Coach:
    """Feed `inputs` to a fresh coach on a virtual clock until nothing is left to do."""
    coach = Coach(routine)
    parser = IntentParser(routine)
    queue = [(item.at, order, item) for order, item in enumerate(inputs)]
    heapq.heapify(queue)
    while True:
        deadline = coach.next_deadline()
        if queue and (deadline is None or queue[0][0] < deadline):
            now, _, item = heapq.heappop(queue)
            event: Event | Unrecognized = _event_for(item, parser)
        elif deadline is not None:
            now, event = deadline, Tick()
        else:
            return coach
        if now > MAX_VIRTUAL_SECONDS:
            return coach
        if isinstance(event, Unrecognized):
            timeline.record([event], now)
        else:
            timeline.record(coach.handle(event, now), now)


def _event_for(item: ScriptedInput, parser: IntentParser) -> Event | Unrecognized:
    if item.gesture is not None:
        return ButtonGesture(item.gesture)
    intent = parser.parse(item.text or "")
    if intent is None:
        return Unrecognized(item.text or "")
    return Heard(intent, source="text")


def routine_seconds(routine: Routine) -> float:
    """How long the whole routine takes when nobody says anything after "start"."""
    ends: list[float] = []
    timeline = Timeline(0.0, lambda record: ends.append(record["t"]))
    run_simulation(routine, [ScriptedInput(0.0, text="start my foot stretches")], timeline)
    return ends[-1]
