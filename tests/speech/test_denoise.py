"""Noise suppression: it leaves speech alone and takes a steady fan out."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.speech.denoise import NoiseSuppressor
from benchmarks import speechset


def _through(suppressor: NoiseSuppressor, audio: np.ndarray, block: int) -> np.ndarray:
    out = [suppressor.process(audio[offset: offset + block]) for offset in range(0, len(audio), block)]
    return np.concatenate([*out, suppressor.flush()])


def _db(samples: np.ndarray) -> float:
    return 10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-9)


@pytest.mark.parametrize("block", [1, 100, 480, 7001])
def test_with_no_suppression_the_output_is_the_input_sample_for_sample(block: int) -> None:
    audio = (np.random.default_rng(1).standard_normal(9000) * 4000).astype(np.int16)
    assert np.array_equal(_through(NoiseSuppressor(floor=1.0), audio, block), audio)


def test_a_steady_fan_is_turned_down_and_a_voice_over_it_is_kept() -> None:
    rate = speechset.RATE
    fan = speechset.pink_samples(4 * rate, seed=3) * 600
    t = np.arange(rate // 2) / rate
    voice = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 12)) * 3000 * np.hanning(len(t))
    audio = fan.copy()
    audio[3 * rate: 3 * rate + len(voice)] += voice
    out = _through(NoiseSuppressor(), speechset.to_int16(audio), 480)

    fan_only = slice(2 * rate, 3 * rate)
    assert _db(out[fan_only]) < _db(audio[fan_only]) - 10
    spoken = slice(3 * rate, 3 * rate + len(voice))
    assert abs(_db(out[spoken]) - _db(voice)) < 1.5
