"""The voice gate: a silent room and a steady fan cost no decoding, and no command is lost to it."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.speech.gate import HOLD_SECONDS, PREROLL_SECONDS, GatedListener
from assistant.speech.listener import open_listener
from assistant.speech.vad import FRAME, PREROLL_FRAMES, RATE
from benchmarks import speechset

BLOCK = RATE // 100
"""10 ms, what the service's microphone hands over."""


class Recorder:
    """Stands in for the listener: keeps what reaches it, in stream order."""

    def __init__(self) -> None:
        self.fed: list[tuple[int, int]] = []
        """(stream sample where a fed run starts, its length)."""
        self.position = 0
        self.pauses = 0

    def feed(self, frames: np.ndarray) -> list:
        self.fed.append((self.position, len(frames)))
        self.position += len(frames)
        return []

    def skip(self, samples: int) -> None:
        self.position += samples

    def pause(self) -> list:
        self.pauses += 1
        return []

    def flush(self) -> list:
        return []

    def decoded_seconds(self) -> float:
        return sum(length for _, length in self.fed) / RATE


def _through(audio: np.ndarray) -> Recorder:
    recorder = Recorder()
    gated = GatedListener(recorder)
    for offset in range(0, len(audio), BLOCK):
        gated.feed(audio[offset: offset + BLOCK])
    return recorder


def _buzz(seconds: float, amplitude: int = 8000) -> np.ndarray:
    """A 120 Hz sawtooth: a voice's buzz, as webrtcvad hears it."""
    t = np.arange(int(seconds * RATE))
    return ((t * 120 / RATE % 1 - 0.5) * 2 * amplitude).astype(np.int16)


def test_a_silent_room_costs_no_decoding_after_the_first_second() -> None:
    recorder = _through(np.zeros(60 * RATE, np.int16))
    # The gate starts open and shuts once it has heard a second of nothing.
    assert recorder.decoded_seconds() <= HOLD_SECONDS + 0.01
    assert recorder.pauses == 1


@pytest.mark.parametrize("snr", [15, 10])
def test_a_steady_fan_does_not_wake_the_heavy_path_once_learnt(snr) -> None:
    speech_level = 3000.0  # -21 dBFS, a person a metre away
    fan = speechset.mix(np.zeros(90 * RATE, np.int16), snr, speech_rms=speech_level)
    assert np.sqrt(np.mean(fan.astype(np.float64) ** 2)) > 300  # the fan is really there
    recorder = _through(fan)
    # webrtcvad takes up to half a minute to learn a fan; after that the fan is never decoded.
    assert sum(length for start, length in recorder.fed if start >= 30 * RATE) == 0
    assert recorder.decoded_seconds() < 6.0


def test_the_quiet_start_before_the_voice_reaches_the_listener_at_its_true_place() -> None:
    quiet_onset = (np.random.default_rng(1).normal(0, 200, int(0.2 * RATE))).astype(np.int16)
    audio = np.concatenate([np.zeros(20 * RATE, np.int16), quiet_onset, _buzz(0.5), np.zeros(3 * RATE, np.int16)])
    recorder = _through(audio)
    onset = 20 * RATE
    woken = next(start for start, _ in recorder.fed if start > HOLD_SECONDS * RATE)
    # The quiet start, and as much before it as the endpointer keeps, was decoded, in one run from where it was.
    assert onset - PREROLL_SECONDS * RATE <= woken <= onset - PREROLL_FRAMES * FRAME
    runs_after = [(start, length) for start, length in recorder.fed if start >= woken]
    assert all(a + la == b for (a, la), (b, _) in zip(runs_after, runs_after[1:]))
    # And the gate shut again once the voice had stopped for the hold (and webrtcvad's own hangover).
    assert runs_after[-1][0] < onset + (0.7 + HOLD_SECONDS + 0.2) * RATE


@pytest.mark.integration
@pytest.mark.parametrize("snr", [None, 15])
def test_a_command_after_a_long_silence_is_heard_as_without_the_gate(snr) -> None:
    texts = {"what's next": "whats_next", "how much time is left": "time_left"}
    scene, _ = speechset.scene([(text, speechset.piper(text)) for text in texts], gap=30.0, lead=30.0)
    audio = speechset.mix(scene, snr)
    heard = {}
    for gated in (False, True):
        listener = open_listener("pocketsphinx")
        with GatedListener(listener) if gated else listener as hearing:
            found = []
            for offset in range(0, len(audio), BLOCK):
                found += hearing.feed(audio[offset: offset + BLOCK])
            heard[gated] = found + hearing.flush()
    assert [h.intent.name for h in heard[True]] == [h.intent.name for h in heard[False]] == list(texts.values())
    for with_gate, without in zip(heard[True], heard[False]):
        assert with_gate.start == pytest.approx(without.start, abs=0.02)
        assert with_gate.end == pytest.approx(without.end, abs=0.02)
