"""Holding an unpaced audio stream to a multiple of real time.

The virtual sound card (`assistant.audio.virtual_card`) reads and writes its
files as fast as PortAudio asks, so `demo` paces both streams itself: the
stream's callback calls `Pacer.wait(frames)`, which sleeps until the wall
clock has caught up with the audio. At `speed` 10 the microphone delivers ten
seconds of audio a second and the speaker plays ten seconds a second, in step
with the coach's compressed clock. Real sound cards pace themselves and need
no pacer.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    """Sleeps in an audio callback so `rate` frames a second pass at `speed` times real time."""

    def __init__(
        self,
        rate: int,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.speed = speed
        self._clock = clock
        self._sleep = sleep
        self._start: float | None = None
        self._frames = 0

    @property
    def started(self) -> float | None:
        """The clock's time at the first frame, or None before it."""
        return self._start

    def wait(self, frames: int) -> None:
        """Account for `frames` more frames; sleep while they are ahead of the clock."""
        now = self._clock()
        if self._start is None:
            self._start = now
        self._frames += frames
        ahead = self._start + self._frames / (self.rate * self.speed) - now
        if ahead > 0:
            self._sleep(ahead)
