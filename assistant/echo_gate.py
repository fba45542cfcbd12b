"""Telling a person talking over the coach from the coach's own voice coming back, by loudness.

The service knows how loud what it played was, moment by moment, and how loud
the microphone was. Most of the time nobody talks over the coach, so the
microphone's level while the coach speaks is its echo: `EchoGate` learns that
ratio (the room's echo gain) from the last half minute, and takes a command
heard while the coach speaks only when the microphone was clearly louder than
the echo alone would make it. The coach's own words misread as a command
("Ready? Hold" as "repeat that") are as loud as its echo, no louder.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np

BIN_SECONDS = 0.25
"""Both levels are compared in bins this long: longer than the echo's delay (50-150 ms)."""
LEARN_SECONDS = 30.0
"""How far back the echo gain is learnt from."""
ECHO_QUANTILE = 0.25
"""The echo gain is this quantile of the microphone-to-speaker ratios: bins where the person
talked over the coach are a minority and lie above it."""
MARGIN_DB = 3.0
"""How much louder than its echo alone the microphone must be: with the person as loud as the
echo, the two together are 3 dB louder than the echo."""
PLAYING = 10 ** (-50 / 10) * 32768.0**2
"""A mean square (int16 units) above which the speaker counts as playing (-50 dBFS)."""


class LevelTrack:
    """Mean squares of blocks of audio by time, the last `LEARN_SECONDS` and a little more; thread-safe."""

    def __init__(self, keep_seconds: float = LEARN_SECONDS + 5) -> None:
        self._keep = keep_seconds
        self._blocks: deque[tuple[float, float]] = deque()
        self._lock = threading.Lock()

    def add(self, at: float, samples: np.ndarray) -> None:
        """Record a block of int16 samples that was played or heard at time `at`."""
        power = float(np.mean(np.square(samples, dtype=np.float64))) if samples.size else 0.0
        with self._lock:
            self._blocks.append((at, power))
            while self._blocks and self._blocks[0][0] < at - self._keep:
                self._blocks.popleft()

    def binned(self, start: float, end: float) -> np.ndarray:
        """Mean square in each `BIN_SECONDS` bin from `start` to `end` (nan where nothing was recorded)."""
        count = max(1, int(np.ceil((end - start) / BIN_SECONDS)))
        with self._lock:
            blocks = [(at, power) for at, power in self._blocks if start <= at < start + count * BIN_SECONDS]
        sums, counts = np.zeros(count), np.zeros(count)
        for at, power in blocks:
            index = int((at - start) / BIN_SECONDS)
            sums[index] += power
            counts[index] += 1
        with np.errstate(invalid="ignore", divide="ignore"):
            return sums / counts


class EchoGate:
    """Decides whether a command heard while the coach spoke was the person or the echo."""

    def __init__(self, heard: LevelTrack, played: LevelTrack) -> None:
        self.heard = heard
        self.played = played

    def echo_gain(self, now: float) -> float | None:
        """The microphone's power over the speaker's while the coach spoke, over the last half minute."""
        mic = self.heard.binned(now - LEARN_SECONDS, now)
        out = self.played.binned(now - LEARN_SECONDS, now)
        speaking = np.isfinite(mic) & np.isfinite(out) & (out > PLAYING)
        if not speaking.any():
            return None
        return float(np.quantile(mic[speaking] / out[speaking], ECHO_QUANTILE))

    def is_person(self, start: float, end: float) -> bool:
        """True unless the coach was playing from `start` to `end` and the microphone was no louder than its echo
        (as learnt up to `end`)."""
        played = self.played.binned(start, end)
        heard = self.heard.binned(start, end)
        both = np.isfinite(played) & np.isfinite(heard) & (played > PLAYING)
        if not both.any():
            return True
        gain = self.echo_gain(end)
        if gain is None:
            return True
        echo = gain * float(np.mean(played[both]))
        return float(np.mean(heard[both])) > echo * 10 ** (MARGIN_DB / 10)
