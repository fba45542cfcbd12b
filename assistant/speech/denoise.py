"""Streaming noise suppression for steady noise: a fan, an air purifier, a heater.

A fan by the bed is louder than a quiet voice in some bands all the time.
webrtcvad then calls every frame speech, so an utterance never ends and no
command is ever heard (a fan 10 dB under the voice kept the endpointer in one
26-second "utterance"). This removes the steady part of the spectrum before
the endpointer and the decoder see the audio.

Short-time Fourier transform (32 ms frames, 16 ms hop, square-root Hann
windows, so unmodified frames add back to the input exactly). The noise
spectrum is the minimum of the smoothed power over the last 1.5 s (minimum
statistics, after Martin): a command is too short to raise it, pauses between
words pull it back down, and a fan switched on is tracked 1.5 s later. A
continuously climbing estimate (Doblinger's) was tried first: over a long word
it rose into the speech and changed what vosk heard. Each bin gets a Wiener gain from the decision-directed
estimate of its speech-to-noise ratio (Ephraim and Malah), which avoids the
"musical" warbling of plain spectral subtraction, and never goes below
`floor`, so quiet consonants survive.
"""

from __future__ import annotations

import collections

import numpy as np

FRAME = 512
HOP = FRAME // 2
WINDOW = np.sqrt(np.hanning(FRAME + 1)[:FRAME]).astype(np.float32)

SMOOTHING = 0.7
"""Of the power spectrum over frames, before its minimum is taken."""
SPAN_FRAMES = 12
SPANS = 8
"""The minimum is kept per span of 12 frames (0.19 s), over the last 8 spans (1.5 s)."""
OVERESTIMATE = 2.5
"""The minimum sits under the mean noise power; this brings it up to it."""
PRIOR = 0.98
"""Decision-directed weight of the previous frame's clean-speech estimate."""


class NoiseSuppressor:
    """Feeds int16 samples in any block size; returns the same number of cleaned samples, 16 ms late.

    Output sample k corresponds to input sample k: only its availability is
    delayed, so stream times stay as they were.
    """

    def __init__(self, floor: float = 0.1) -> None:
        self._floor = floor
        self._pending = np.zeros(HOP, np.float32)
        """Input not yet framed; starts with one hop of zeros so the first frame is half padding."""
        self._tail = np.zeros(HOP, np.float32)
        """The second half of the last frame's output, waiting for the next frame to overlap it."""
        self._power: np.ndarray | None = None
        """Power spectrum smoothed over frames."""
        self._span_minimum: np.ndarray | None = None
        self._span_frames = 0
        self._spans: collections.deque[np.ndarray] = collections.deque(maxlen=SPANS)
        self._noise: np.ndarray | None = None
        self._clean: np.ndarray | None = None
        """|gain × spectrum|² of the last frame, for the decision-directed estimate."""
        self._skip = HOP
        """The first hop out is the padding's."""
        self._owed = 0
        """Input samples not yet returned."""

    @property
    def delay(self) -> int:
        """Samples held back: how much later than its input each output sample comes out."""
        return HOP

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Take int16 samples; return the cleaned samples that are now final (int16)."""
        samples = np.asarray(samples, dtype=np.float32).ravel()
        self._owed += len(samples)
        data = np.concatenate([self._pending, samples])
        done: list[np.ndarray] = []
        start = 0
        while start + FRAME <= len(data):
            done.append(self._frame(data[start: start + FRAME]))
            start += HOP
        self._pending = data[start:]
        out = np.concatenate(done) if done else np.zeros(0, np.float32)
        dropped = min(self._skip, len(out))
        self._skip -= dropped
        out = out[dropped: dropped + self._owed]
        self._owed -= len(out)
        return np.clip(np.round(out), -32768, 32767).astype(np.int16)

    def flush(self) -> np.ndarray:
        """Push out what is held back (end of a stream), as if silence followed."""
        owed = self._owed
        out = self.process(np.zeros(FRAME, np.int16))
        self._owed = 0
        return out[:owed]

    def _frame(self, frame: np.ndarray) -> np.ndarray:
        spectrum = np.fft.rfft(frame * WINDOW)
        power = spectrum.real**2 + spectrum.imag**2
        self._track_noise(power)
        snr_now = power / self._noise
        prior = PRIOR * self._clean / self._noise + (1 - PRIOR) * np.maximum(snr_now - 1, 0)
        gain = np.maximum(prior / (1 + prior), self._floor)
        cleaned = spectrum * gain
        self._clean = cleaned.real**2 + cleaned.imag**2
        out = np.fft.irfft(cleaned, FRAME).astype(np.float32) * WINDOW
        final = self._tail + out[:HOP]
        self._tail = out[HOP:]
        return final

    def _track_noise(self, power: np.ndarray) -> None:
        if self._power is None:
            self._power = power
            self._clean = np.zeros_like(power)
            self._span_minimum = power
        self._power = SMOOTHING * self._power + (1 - SMOOTHING) * power
        self._span_minimum = np.minimum(self._span_minimum, self._power)
        self._span_frames += 1
        if self._span_frames == SPAN_FRAMES:
            self._spans.append(self._span_minimum)
            self._span_minimum, self._span_frames = self._power, 0
        floor = np.minimum(np.min(self._spans, axis=0), self._span_minimum) if self._spans else self._span_minimum
        self._noise = np.maximum(floor, 1e-3) * OVERESTIMATE
