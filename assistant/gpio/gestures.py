"""Button edges in, gestures out: press, long press and double press.

Pure and clock-free: every edge carries its time, and `poll(now)` is called
at `next_deadline()` so a gesture that is decided by time passing (a single
press once the double-press window closes, a long press while still held)
comes out on time. The same code runs on the Pi, in `simulate` and in tests.

Debouncing is a settle filter: a raw level counts once it has stayed put for
`debounce_seconds`, and then it counts from the moment it began, so timings
are measured from the real edges. A spike shorter than the debounce is
ignored altogether.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from assistant.coach.messages import Gesture


class _Phase(Enum):
    """Where the detector is within a gesture."""

    IDLE = "idle"  # released, nothing pending
    FIRST_DOWN = "first_down"  # held, may become a long press
    FIRST_UP = "first_up"  # released after a short press, a second may follow
    SECOND_DOWN = "second_down"  # the double press fired; waiting for release
    LONG_HELD = "long_held"  # the long press fired; waiting for release


class GestureDetector:
    """Turns debounced button edges into `Gesture`s; time is always an argument."""

    def __init__(
        self,
        long_seconds: float = 1.5,
        double_seconds: float = 0.4,
        debounce_seconds: float = 0.05,
    ) -> None:
        """Set how long a long press is, the double-press gap and the settle time."""
        if not 0 <= debounce_seconds < double_seconds < long_seconds:
            raise ValueError(
                "need 0 <= debounce_seconds < double_seconds < long_seconds, got "
                f"{debounce_seconds}, {double_seconds}, {long_seconds}"
            )
        self.long_seconds = long_seconds
        self.double_seconds = double_seconds
        self.debounce_seconds = debounce_seconds
        self._raw = False
        self._raw_since = 0.0
        self._stable = False
        self._phase = _Phase.IDLE
        self._pressed_at = 0.0
        self._released_at = 0.0

    @property
    def pressed(self) -> bool:
        """Whether the button is down, after debouncing."""
        return self._stable

    def edge(self, pressed: bool, now: float) -> list[Gesture]:
        """Feed a raw pin edge at `now`; returns gestures decided up to `now`."""
        gestures = self.poll(now)
        if pressed != self._raw:
            self._raw = pressed
            self._raw_since = now
        return gestures

    def poll(self, now: float) -> list[Gesture]:
        """Return the gestures whose deadline passed by `now`, oldest first."""
        gestures: list[Gesture] = []
        while (due := self._next()) is not None and due[0] <= now:
            gesture = due[1]()
            if gesture is not None:
                gestures.append(gesture)
        return gestures

    def next_deadline(self) -> float | None:
        """When `poll` may next have something to decide, or None if nothing waits."""
        due = self._next()
        return None if due is None else due[0]

    def _next(self) -> tuple[float, Callable[[], Gesture | None]] | None:
        """The earliest pending decision and the step that makes it."""
        settling = self._raw != self._stable
        settle_at = self._raw_since + self.debounce_seconds
        timer: tuple[float, Callable[[], Gesture | None]] | None = None
        if self._phase is _Phase.FIRST_DOWN:
            timer = (self._pressed_at + self.long_seconds, self._long)
        elif self._phase is _Phase.FIRST_UP:
            timer = (self._released_at + self.double_seconds, self._single)
        # A raw change that began before a timer's deadline must settle first:
        # it may be the release that makes a press short, or the second press.
        if settling and (timer is None or self._raw_since < timer[0]):
            return settle_at, self._settle
        return timer

    def _settle(self) -> Gesture | None:
        """The raw level held long enough: it becomes real from when it began."""
        self._stable = self._raw
        at = self._raw_since
        if self._stable:
            return self._on_press(at)
        return self._on_release(at)

    def _on_press(self, at: float) -> Gesture | None:
        """A debounced press at `at`."""
        if self._phase is _Phase.FIRST_UP:
            self._phase = _Phase.SECOND_DOWN
            return Gesture.DOUBLE
        self._phase = _Phase.FIRST_DOWN
        self._pressed_at = at
        return None

    def _on_release(self, at: float) -> Gesture | None:
        """A debounced release at `at`."""
        if self._phase is _Phase.FIRST_DOWN:
            self._phase = _Phase.FIRST_UP
            self._released_at = at
        else:
            self._phase = _Phase.IDLE
        return None

    def _long(self) -> Gesture:
        """Held past `long_seconds`: a long press, fired while still held."""
        self._phase = _Phase.LONG_HELD
        return Gesture.LONG

    def _single(self) -> Gesture:
        """No second press came within `double_seconds`: a single press."""
        self._phase = _Phase.IDLE
        return Gesture.PRESS

