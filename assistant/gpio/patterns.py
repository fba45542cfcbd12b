"""How each LED pattern looks: brightness (0..1) as a function of time.

Pure and clock-free, so every pattern can be checked without waiting. The
levels are PWM duty cycles before the night scale is applied. Idle is kept
at a few percent because the LED sits by a bed in the dark: bright enough
to find the device, too dim to light the room.
"""

from __future__ import annotations

import math

from assistant.coach.messages import LedPattern
from assistant.errors import InputError

FULL = 1.0
IDLE_PEAK = 0.03
IDLE_PERIOD = 6.0  # one slow breath, about the pace of resting breathing
HEARD_SECONDS = 0.15
READY_PERIOD = 2.0
HOLD_WARN_SECONDS = 10.0  # the blinking starts this long before the hold ends
HOLD_SLOW_HZ = 1.0  # blink rate when the warning starts
HOLD_FAST_HZ = 5.0  # blink rate as the hold ends
HOLD_DARK_SHARE = 0.4  # each blink is a dark gap in the steady light
SWITCH_ON = 0.15
SWITCH_PERIOD = 1.5
PAUSED_PERIOD = 3.0
PAUSED_PEAK = 0.5
DONE_PULSES = 3
DONE_PULSE = 1.2  # one long pulse: up and down
DONE_GAP = 0.4
DONE_SECONDS = DONE_PULSES * (DONE_PULSE + DONE_GAP)
PROBLEM_PERIOD = 0.3

DESCRIPTIONS: dict[LedPattern, str] = {
    LedPattern.IDLE: "a very dim, slow breath",
    LedPattern.HEARD: "one short flash",
    LedPattern.READY: "a slow blink",
    LedPattern.HOLD: "steady light, blinking faster and faster over the last seconds",
    LedPattern.SWITCH: "a double blink, again and again",
    LedPattern.PAUSED: "a slow pulse",
    LedPattern.DONE: "three long pulses, then the dim breath",
    LedPattern.PROBLEM: "a fast blink",
}


def brightness(
    pattern: LedPattern,
    t: float,
    seconds_left: float | None = None,
    scale: float = 1.0,
) -> float:
    """Brightness of `pattern` at `t` seconds after it began, times `scale`.

    `seconds_left` is how long until a hold ends (`hold` only; without it a
    hold is steady). `done` becomes the idle breath once its pulses are over.
    """
    return _LOOKS[pattern](max(t, 0.0), seconds_left) * scale


def _smooth_pulse(phase: float) -> float:
    """0 → 1 → 0 over phase 0..1, with soft ends (a raised cosine)."""
    return (1.0 - math.cos(2.0 * math.pi * phase)) / 2.0


def _square(t: float, period: float, on: float) -> float:
    """FULL for the first `on` seconds of each `period`, else dark."""
    return FULL if t % period < on else 0.0


def _idle(t: float, seconds_left: float | None) -> float:
    """A very dim breath; squared so it lingers near dark between breaths."""
    return IDLE_PEAK * _smooth_pulse(t / IDLE_PERIOD % 1.0) ** 2


def _heard(t: float, seconds_left: float | None) -> float:
    """One short flash, then dark (the display returns to what was before)."""
    return FULL if t < HEARD_SECONDS else 0.0


def _ready(t: float, seconds_left: float | None) -> float:
    """A slow blink: a second on, a second off."""
    return _square(t, READY_PERIOD, READY_PERIOD / 2)


def _hold(t: float, seconds_left: float | None) -> float:
    """Steady, with dark blinks that quicken over the last seconds."""
    if seconds_left is None or seconds_left >= HOLD_WARN_SECONDS:
        return FULL
    # The blink rate rises linearly from slow to fast as the end nears; the
    # phase is the integral of that rate, so blinks never jump or stutter.
    gone = HOLD_WARN_SECONDS - min(max(seconds_left, 0.0), HOLD_WARN_SECONDS)
    rise = (HOLD_FAST_HZ - HOLD_SLOW_HZ) / HOLD_WARN_SECONDS
    phase = HOLD_SLOW_HZ * gone + rise * gone * gone / 2.0
    if seconds_left < 0:
        phase += HOLD_FAST_HZ * -seconds_left
    return 0.0 if phase % 1.0 >= 1.0 - HOLD_DARK_SHARE else FULL


def _switch(t: float, seconds_left: float | None) -> float:
    """Two quick blinks, a pause, again."""
    within = t % SWITCH_PERIOD
    return FULL if within < SWITCH_ON or 2 * SWITCH_ON <= within < 3 * SWITCH_ON else 0.0


def _paused(t: float, seconds_left: float | None) -> float:
    """A slow, soft pulse at half brightness."""
    return PAUSED_PEAK * _smooth_pulse(t / PAUSED_PERIOD % 1.0)


def _done(t: float, seconds_left: float | None) -> float:
    """Three long pulses, then the idle breath."""
    if t >= DONE_SECONDS:
        return _idle(t - DONE_SECONDS, None)
    within = t % (DONE_PULSE + DONE_GAP)
    return FULL * _smooth_pulse(within / DONE_PULSE) if within < DONE_PULSE else 0.0


def _problem(t: float, seconds_left: float | None) -> float:
    """A fast blink, hard to mistake for anything else."""
    return _square(t, PROBLEM_PERIOD, PROBLEM_PERIOD / 2)


_LOOKS = {
    LedPattern.IDLE: _idle,
    LedPattern.HEARD: _heard,
    LedPattern.READY: _ready,
    LedPattern.HOLD: _hold,
    LedPattern.SWITCH: _switch,
    LedPattern.PAUSED: _paused,
    LedPattern.DONE: _done,
    LedPattern.PROBLEM: _problem,
}


def check_scale(scale: float) -> float:
    """Return `scale` if it is a brightness factor in 0..1, else raise InputError."""
    if not 0.0 <= scale <= 1.0:
        raise InputError(f"LED brightness scale must be between 0 and 1, got {scale}")
    return scale


class Display:
    """What the LED shows over time: a pattern, with `heard` flashing over it."""

    def __init__(self, now: float, scale: float = 1.0) -> None:
        """Start with the idle breath at `now`, at brightness `scale`."""
        self._scale = check_scale(scale)
        self._pattern = LedPattern.IDLE
        self._since = now
        self._seconds: float | None = None
        self._flash_until = -math.inf

    @property
    def pattern(self) -> LedPattern:
        """The pattern shown under any `heard` flash."""
        return self._pattern

    @property
    def scale(self) -> float:
        """The night brightness factor applied to every pattern."""
        return self._scale

    def set_scale(self, scale: float) -> None:
        """Change the brightness factor (0..1), e.g. when night begins."""
        self._scale = check_scale(scale)

    def show(self, pattern: LedPattern, now: float, seconds: float | None = None) -> None:
        """Show `pattern` from `now`; for `hold`, `seconds` is the time until it ends.

        `heard` is a flash over the current pattern, which carries on
        unchanged underneath (a hold's countdown keeps its pace).
        """
        if pattern is LedPattern.HEARD:
            self._flash_until = now + HEARD_SECONDS
            return
        self._pattern = pattern
        self._since = now
        self._seconds = seconds

    def is_calm(self, now: float) -> bool:
        """Only the idle breath shows (no flash, no other pattern): a slow change, rendered less often."""
        if now < self._flash_until:
            return False
        t = now - self._since
        return self._pattern is LedPattern.IDLE or (self._pattern is LedPattern.DONE and t >= DONE_SECONDS)

    def level(self, now: float) -> float:
        """The brightness the LED should have at `now`."""
        if now < self._flash_until:
            return brightness(LedPattern.HEARD, 0.0, scale=self._scale)
        t = now - self._since
        left = None if self._seconds is None else self._seconds - t
        return brightness(self._pattern, t, left, self._scale)
