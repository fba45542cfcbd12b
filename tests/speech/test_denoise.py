"""Noise suppression, spectral and RNNoise: it leaves speech where it was and takes a fan out."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from assistant.speech.denoise import NoiseSuppressor
from assistant.speech.rnnoise import RnnoiseSuppressor, load_library
from benchmarks import speechset


def _through(suppressor: NoiseSuppressor | RnnoiseSuppressor, audio: np.ndarray, block: int) -> np.ndarray:
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


def _envelope_lag(reference: np.ndarray, out: np.ndarray) -> int:
    """Samples by which `out`'s loudness lags `reference`'s (4 ms smoothing, ±12 ms searched)."""
    smooth = np.ones(64) / 64
    a = np.log(np.convolve(reference.astype(np.float64) ** 2, smooth, "same") + 1)
    b = np.log(np.convolve(out.astype(np.float64) ** 2, smooth, "same") + 1)
    inner = slice(400, len(a) - 400)
    return max(range(-192, 193, 4), key=lambda lag: np.corrcoef(a[inner], np.roll(b, -lag)[inner])[0, 1])


@pytest.fixture(scope="module")
def rnnoise():
    library = load_library()
    assert library is not None, "pyrnnoise is a dependency on this machine's architecture"
    return library


@pytest.mark.parametrize("block", [1, 100, 480, 7001])
def test_rnnoise_returns_every_sample_where_it_was_whatever_the_block_size(rnnoise, block: int) -> None:
    rate = speechset.RATE
    speech = speechset.piper("start my foot stretches")
    audio = np.concatenate([np.zeros(rate // 2, np.int16), speech, np.zeros(rate // 2, np.int16)])
    out = _through(RnnoiseSuppressor(rnnoise), audio, block)
    assert len(out) == len(audio)
    assert _envelope_lag(audio, out) == 0


def test_rnnoise_takes_a_fan_down_and_keeps_the_voice_over_it(rnnoise) -> None:
    rate = speechset.RATE
    speech = speechset.piper("how much time is left").astype(np.float32)
    audio = speechset.pink_samples(5 * rate, seed=3) * speechset.active_rms(speech) / 10 ** (10 / 20)
    audio[3 * rate: 3 * rate + len(speech)] += speech
    out = _through(RnnoiseSuppressor(rnnoise), speechset.to_int16(audio), 480)

    fan_only = slice(2 * rate, 3 * rate)
    assert _db(out[fan_only]) < _db(audio[fan_only]) - 15
    spoken = slice(3 * rate, 3 * rate + len(speech))
    assert abs(_db(out[spoken]) - _db(speech)) < 3


def test_after_a_flush_rnnoise_takes_a_new_stream(rnnoise) -> None:
    speech = speechset.piper("pause")
    suppressor = RnnoiseSuppressor(rnnoise)
    first = _through(suppressor, speech, 480)
    second = _through(suppressor, speech, 480)
    assert len(first) == len(second) == len(speech)
    assert abs(_db(first) - _db(second)) < 0.5


def test_without_rnnoise_the_listener_suppresses_spectrally_and_says_so(monkeypatch, caplog) -> None:
    from assistant.speech import listener, rnnoise

    monkeypatch.setattr(rnnoise.importlib.util, "find_spec", lambda name: None)
    with caplog.at_level(logging.INFO, logger="assistant.speech.listener"):
        suppressor = listener.open_suppressor()
    assert isinstance(suppressor, NoiseSuppressor)
    assert "pyrnnoise" in caplog.text
