"""Real piper synthesis with the bundled voice, the speaking rate, and falling back to it."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.audio.clip import Audio
from assistant.errors import InputError
from assistant.speech.tts import (
    CLAUSE_GAP_SECONDS,
    DEFAULT_VOICE,
    MAX_PIECE_CHARS,
    PEAK_LEVEL,
    SENTENCE_GAP_SECONDS,
    WORD_GAP_SECONDS,
    Voice,
    bundled_voice_files,
    length_scale_for,
    speakable_pieces,
)

pytestmark = pytest.mark.integration


def test_the_bundled_voice_speaks_a_prompt(voice: Voice) -> None:
    audio = voice.synthesize("Start ankle circles.")
    assert voice.name == DEFAULT_VOICE and audio.rate == 22050
    assert 0.6 < audio.duration < 3.0
    samples = audio.samples.astype(np.int32)
    assert np.sqrt(np.mean(samples**2)) > 1000  # clearly audible
    assert np.abs(samples).max() <= PEAK_LEVEL * 32767 + 1  # headroom: never clipped


def test_two_sentences_are_separated_by_a_pause(voice: Voice) -> None:
    # The pause between sentences is real silence, not just a longer clip.
    two = voice.synthesize("Relax. Relax.").samples
    quiet = np.abs(two.astype(np.int32)) < 30
    longest = run = 0
    for sample_is_quiet in quiet[len(quiet) // 4 : 3 * len(quiet) // 4]:
        run = run + 1 if sample_is_quiet else 0
        longest = max(longest, run)
    assert longest / voice.sample_rate >= 0.2


def test_a_slower_rate_speaks_more_slowly(voice: Voice) -> None:
    text = "Hold the stretch and breathe slowly."
    # 0.7 times the rate is clearly slower, over a few sentences as over one.
    normal = sum(voice.synthesize(text, length_scale=length_scale_for(1.0)).duration for _ in range(3))
    slow = sum(voice.synthesize(text, length_scale=length_scale_for(0.7)).duration for _ in range(3))
    assert slow > 1.15 * normal


@pytest.mark.parametrize("rate", [0.2, 3.0])
def test_an_unreasonable_rate_is_refused(rate: float) -> None:
    with pytest.raises(InputError, match="rate"):
        length_scale_for(rate)


def test_empty_text_is_refused(voice: Voice) -> None:
    with pytest.raises(InputError):
        voice.synthesize("   ")


def test_a_missing_voice_falls_back_to_the_default_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        voice = Voice.load("en_GB-nobody-medium", tmp_path)
    assert voice.name == DEFAULT_VOICE
    assert "en_GB-nobody-medium is not installed" in caplog.text
    assert "footstretch voices fetch en_GB-nobody-medium" in caplog.text
    assert isinstance(voice.synthesize("Okay."), Audio)


def test_a_corrupt_voice_falls_back_to_the_default_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model, config = bundled_voice_files()
    (tmp_path / "en_US-broken-medium.onnx").write_bytes(model.read_bytes()[:200_000])  # a cut-off download
    shutil.copy(config, tmp_path / "en_US-broken-medium.onnx.json")
    with caplog.at_level(logging.WARNING):
        voice = Voice.load("en_US-broken-medium", tmp_path)
    assert voice.name == DEFAULT_VOICE
    assert "en_US-broken-medium" in caplog.text and "corrupt" in caplog.text


def test_an_installed_voice_is_loaded_by_name(tmp_path: Path) -> None:
    model, config = bundled_voice_files()
    shutil.copy(model, tmp_path / "en_US-copy-medium.onnx")
    shutil.copy(config, tmp_path / "en_US-copy-medium.onnx.json")
    voice = Voice.load("en_US-copy-medium", tmp_path)
    assert voice.name == "en_US-copy-medium"
    assert voice.synthesize("Next.").duration > 0.2


@given(st.lists(st.sampled_from(["word", "stretch", "a" * 75, ",", ".", "!", " ", "\n"]), max_size=120))
def test_no_piece_given_to_piper_is_longer_than_the_limit_and_no_word_is_lost(parts: list[str]) -> None:
    text = " ".join(parts)
    pieces = speakable_pieces(text)
    assert all(0 < len(piece) <= MAX_PIECE_CHARS for piece, _ in pieces)
    assert "".join(piece for piece, _ in pieces).replace(" ", "") == "".join(text.split())


def test_long_unpunctuated_text_is_split_between_words_with_the_shortest_pause() -> None:
    pieces = speakable_pieces("the quick brown fox jumps " * 20)
    assert len(pieces) > 5 and all(not piece.startswith(" ") for piece, _ in pieces)
    assert {pause for _, pause in pieces[:-1]} == {WORD_GAP_SECONDS}
    assert all(piece.split()[-1] in {"the", "quick", "brown", "fox", "jumps"} for piece, _ in pieces)


def test_a_long_sentence_is_still_split_at_its_commas_first() -> None:
    sentence = "Sit up slowly, swing your legs off the bed and stand up, keep one hand on the bed or a wall."
    assert speakable_pieces(sentence) == [
        ("Sit up slowly, swing your legs off the bed and stand up,", CLAUSE_GAP_SECONDS),
        ("keep one hand on the bed or a wall.", SENTENCE_GAP_SECONDS),
    ]


@pytest.mark.integration
def test_saying_text_with_no_punctuation_costs_no_more_memory_than_with_commas(tmp_path: Path) -> None:
    from tests.careless import footstretch

    bare = footstretch(tmp_path, "say", "the quick brown fox jumps " * 40, "--out", str(tmp_path / "a.wav"))
    commas = footstretch(tmp_path, "say", "the quick brown fox jumps, " * 40, "--out", str(tmp_path / "b.wav"))
    assert bare.returncode == commas.returncode == 0, bare.stderr
    # Before pieces were cut between words, the bare text peaked near 1.5 GB.
    assert bare.peak_mb <= commas.peak_mb * 1.2, (bare.peak_mb, commas.peak_mb)
