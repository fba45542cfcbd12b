"""The Audio clip: checked on creation, WAV in and out, resampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio.clip import Audio
from assistant.errors import InputError
from tests.speaking.helpers import dominant_frequency


def sine(frequency: float, rate: int, seconds: float) -> Audio:
    t = np.arange(round(rate * seconds)) / rate
    return Audio(np.round(np.sin(2 * np.pi * frequency * t) * 10000).astype(np.int16), rate)


def test_audio_is_immutable_once_made() -> None:
    audio = Audio(np.zeros(10, dtype=np.int16), 22050)
    with pytest.raises(ValueError):
        audio.samples[0] = 1


@pytest.mark.parametrize(
    "samples", [np.zeros(10, dtype=np.float32), np.zeros((10, 2), dtype=np.int16)], ids=["float", "stereo"]
)
def test_audio_must_be_mono_int16(samples: np.ndarray) -> None:
    with pytest.raises(ValueError):
        Audio(samples, 22050)


def test_wav_round_trip_keeps_every_sample(tmp_path: Path) -> None:
    audio = sine(440, 22050, 0.3)
    back = Audio.read_wav(audio.write_wav(tmp_path / "a.wav"))
    assert back.rate == 22050 and np.array_equal(back.samples, audio.samples)


def test_resampling_keeps_length_and_pitch() -> None:
    audio = sine(880, 22050, 0.5)
    up = audio.resampled(48000)
    assert up.rate == 48000 and up.duration == pytest.approx(0.5, abs=0.001)
    assert dominant_frequency(up.samples, 48000) == pytest.approx(880, rel=0.01)
    assert audio.resampled(22050) is audio


@pytest.mark.parametrize(
    ("content", "message"), [(None, "not found"), (b"not a wav", "not a readable WAV")], ids=["missing", "garbage"]
)
def test_reading_a_bad_wav_is_an_input_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "x.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        Audio.read_wav(path)
