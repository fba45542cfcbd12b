"""Messages in and out of the coach: frozen dataclasses, never dicts.

Events go in with the time they happened; actions come out. Every action has
a `type` that names it in the timeline (`assistant.timeline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar

from assistant.speech.intents import Intent


class State(Enum):
    """What the coach is doing, as the LED and the recognizer's grammar see it."""

    IDLE = "idle"
    OFFERING = "offering"  # offering to continue a routine cut short by a restart
    SETUP = "setup"  # saying how to get into position, or switching sides
    READY = "ready"  # "Ready? ... starting now"
    HOLD = "hold"
    REST = "rest"  # between rounds or stretches
    PAUSED = "paused"
    EASING = "easing"  # after "ouch": the hold ended early, waiting to go on or stop


class Gesture(Enum):
    """Button gestures, as `gpio` recognises them from pin edges."""

    PRESS = "press"
    LONG = "long"
    DOUBLE = "double"


class LedPattern(Enum):
    """LED patterns; the LED adapter knows how each one looks."""

    IDLE = "idle"
    HEARD = "heard"
    READY = "ready"
    HOLD = "hold"
    SWITCH = "switch"
    PAUSED = "paused"
    DONE = "done"
    PROBLEM = "problem"


# ---- events -------------------------------------------------------------


@dataclass(frozen=True)
class Heard:
    """A command heard by voice or typed as text."""

    intent: Intent
    source: str = "voice"


@dataclass(frozen=True)
class ButtonGesture:
    """A button gesture."""

    gesture: Gesture


@dataclass(frozen=True)
class Tick:
    """The clock reached `next_deadline()`."""


@dataclass(frozen=True)
class OfferResume:
    """At start-up: a routine was cut short during this stretch and side."""

    stretch: str
    side: str | None


@dataclass(frozen=True)
class Problem:
    """A device problem began (`active`) or ended; the LED shows it."""

    what: str
    active: bool


Event = Heard | ButtonGesture | Tick | OfferResume | Problem


# ---- actions ------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Speak `text`. Urgent prompts cut off whatever is playing."""

    type: ClassVar[str] = "say"
    text: str
    kind: str = "instruction"  # instruction | cue | count | answer
    urgent: bool = False


@dataclass(frozen=True)
class Beep:
    """Play a short generated tone: `start`, `end` or `tick`."""

    type: ClassVar[str] = "beep"
    tone: str


@dataclass(frozen=True)
class Led:
    """Show `pattern`; for `hold`, `seconds` is how long until the hold ends."""

    type: ClassVar[str] = "led"
    pattern: LedPattern
    seconds: float | None = None


@dataclass(frozen=True)
class IntentHeard:
    """An intent reached the coach."""

    type: ClassVar[str] = "intent"
    intent: str
    slots: dict[str, str] = field(default_factory=dict)
    source: str = "voice"
    text: str = ""


@dataclass(frozen=True)
class RoutineStart:
    """A routine began: the whole one, or a single stretch."""

    type: ClassVar[str] = "routine_start"
    mode: str  # routine | stretch
    stretch: str
    side: str | None = None
    resumed: bool = False


@dataclass(frozen=True)
class Step:
    """A new round begins: this stretch, side and rep."""

    type: ClassVar[str] = "step"
    stretch: str
    side: str | None
    rep: int
    reps: int
    index: int  # position of the stretch in the routine, from 0
    count: int  # how many stretches the routine has


@dataclass(frozen=True)
class HoldStart:
    """The hold clock starts."""

    type: ClassVar[str] = "hold_start"
    stretch: str
    side: str | None
    rep: int
    seconds: float


@dataclass(frozen=True)
class HoldEnd:
    """The hold clock ended; `completed` is False when cut short."""

    type: ClassVar[str] = "hold_end"
    stretch: str
    side: str | None
    rep: int
    completed: bool = True


@dataclass(frozen=True)
class StretchDone:
    """Every side and round of a stretch was held to the end."""

    type: ClassVar[str] = "stretch_done"
    stretch: str


@dataclass(frozen=True)
class Paused:
    """The routine is paused."""

    type: ClassVar[str] = "paused"
    stretch: str
    side: str | None


@dataclass(frozen=True)
class Resumed:
    """The routine goes on after `paused_seconds`."""

    type: ClassVar[str] = "resumed"
    paused_seconds: float


@dataclass(frozen=True)
class RoutineEnd:
    """The routine ended: `completed` when it reached its end, not stopped."""

    type: ClassVar[str] = "routine_end"
    completed: bool
    reason: str  # finished | stopped
    skipped: tuple[str, ...] = ()


Action = (
    Say | Beep | Led | IntentHeard | RoutineStart | Step | HoldStart | HoldEnd
    | StretchDone | Paused | Resumed | RoutineEnd
)
