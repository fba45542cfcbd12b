"""The generated tones: distinct pitches, soft edges, any rate."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.tones import TONES, tone
from assistant.errors import InputError
from tests.speaking.helpers import dominant_frequency


@pytest.mark.parametrize("name", sorted(TONES))
@pytest.mark.parametrize("rate", [16000, 22050, 48000])
def test_each_tone_sounds_at_its_own_pitch(name: str, rate: int) -> None:
    clip = tone(name, rate)
    assert clip.rate == rate
    assert clip.duration == pytest.approx(TONES[name].seconds, abs=1 / rate)
    assert dominant_frequency(clip.samples, rate) == pytest.approx(TONES[name].frequency, rel=0.03)


def test_the_three_tones_are_easy_to_tell_apart() -> None:
    pitches = sorted(TONES[name].frequency for name in ("tick", "start", "end"))
    assert all(high / low > 1.3 for low, high in zip(pitches, pitches[1:]))


@pytest.mark.parametrize("name", sorted(TONES))
def test_tones_fade_in_and_out_without_a_click(name: str) -> None:
    samples = tone(name).samples.astype(np.int32)
    peak = np.abs(samples).max()
    # A click is a jump: the first and last samples are near zero, and no step
    # near the edges is bigger than the largest step in the steady middle.
    assert abs(samples[0]) < 0.02 * peak and abs(samples[-1]) < 0.02 * peak
    steps = np.abs(np.diff(samples))
    middle = steps[len(steps) // 3 : 2 * len(steps) // 3].max()
    assert steps[:20].max() <= middle and steps[-20:].max() <= middle


def test_tones_leave_headroom() -> None:
    for name in TONES:
        assert np.abs(tone(name).samples.astype(np.int32)).max() < 0.5 * 32767


def test_an_unknown_tone_names_the_known_ones() -> None:
    with pytest.raises(InputError, match="tick"):
        tone("buzz")
