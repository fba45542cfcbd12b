"""Run the coach on a virtual clock: instant, deterministic, same code as the service."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import ClassVar

from assistant.coach import Coach
from assistant.coach.messages import ButtonGesture, Event, Gesture, Heard, Tick
from assistant.gpio.gestures import GestureDetector
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


PRESS_SECONDS = 0.15
"""How long a simulated finger holds the button for a press."""
LONG_PRESS_SECONDS = 2.0
"""How long it holds for a long press."""


def button_edges(gesture: Gesture, at: float) -> list[tuple[float, bool]]:
    """The pin edges (time, pressed) a person makes for `gesture`, starting at `at`."""
    if gesture is Gesture.LONG:
        return [(at, True), (at + LONG_PRESS_SECONDS, False)]
    press = [(at, True), (at + PRESS_SECONDS, False)]
    if gesture is Gesture.DOUBLE:
        return press + [(at + 2 * PRESS_SECONDS, True), (at + 3 * PRESS_SECONDS, False)]
    return press


def run_simulation(routine: Routine, inputs: list[ScriptedInput], timeline: Timeline) -> Coach:
    """Feed `inputs` to a fresh coach on a virtual clock until nothing is left to do.

    Button gestures become pin edges that go through the same `GestureDetector`
    as the real button, so a press is acted on when the detector decides it.
    """
    coach = Coach(routine)
    parser = IntentParser(routine)
    button = GestureDetector()
    queue: list[tuple[float, int, str | bool]] = []
    for order, item in enumerate(inputs):
        if item.gesture is not None:
            queue += [(at, order, pressed) for at, pressed in button_edges(item.gesture, item.at)]
        else:
            queue.append((item.at, order, item.text or ""))
    heapq.heapify(queue)
    while True:
        due = [d for d in (coach.next_deadline(), button.next_deadline()) if d is not None]
        soonest = min(due) if due else None
        if queue and (soonest is None or queue[0][0] < soonest):
            now, _, payload = heapq.heappop(queue)
        elif soonest is not None:
            now, payload = soonest, None
        else:
            return coach
        if now > MAX_VIRTUAL_SECONDS:
            return coach
        if isinstance(payload, bool):
            events: list[Event | Unrecognized] = [ButtonGesture(g) for g in button.edge(payload, now)]
        elif isinstance(payload, str):
            events = [_heard(payload, parser)]
        else:
            events = [ButtonGesture(g) for g in button.poll(now)] + [Tick()]
        for event in events:
            if isinstance(event, Unrecognized):
                timeline.record([event], now)
            else:
                timeline.record(coach.handle(event, now), now)


def _heard(text: str, parser: IntentParser) -> Event | Unrecognized:
    intent = parser.parse(text)
    if intent is None:
        return Unrecognized(text)
    return Heard(intent, source="text")


def routine_seconds(routine: Routine) -> float:
    """How long the whole routine takes when nobody says anything after "start"."""
    ends: list[float] = []
    timeline = Timeline(0.0, lambda record: ends.append(record["t"]))
    run_simulation(routine, [ScriptedInput(0.0, text="start my foot stretches")], timeline)
    return ends[-1]
