"""The dev set's talk: what the benchmarks count false commands in must not hold a command."""

from __future__ import annotations

import numpy as np

from assistant.routine import default_routine
from assistant.speech.intents import IntentParser
from benchmarks import speechset
from benchmarks.talk import upper_bound


def test_no_line_of_the_long_talk_is_a_command() -> None:
    parser = IntentParser(default_routine())
    talk = speechset.long_talk()
    assert len(talk) > 900 and len(set(talk)) == len(talk)
    assert [line for line in talk if parser.parse(line) is not None] == []


def test_talk_is_told_apart_by_kind() -> None:
    assert speechset.talk_kind("start the car") == "near miss"
    assert speechset.talk_kind(speechset.long_talk()[0]) == "bedroom and TV"
    assert speechset.talk_kind(speechset.sentences(speechset.article())[3]) == "article"


def test_no_false_command_in_an_hour_bounds_the_rate_at_three_an_hour() -> None:
    assert round(upper_bound(0, 1.0), 2) == 3.0
    assert round(upper_bound(1, 1.0), 2) == 4.74
    assert upper_bound(2, 2.0) < upper_bound(2, 1.0)


def test_tv_talk_is_two_voices_taking_turns_mixed_below_the_person() -> None:
    talk = speechset.tv_talk()
    assert len(talk) >= 90 * speechset.RATE
    assert abs(speechset.active_rms(talk) - 1.0) < 0.2
    said = np.zeros(5 * speechset.RATE, np.int16)
    background = speechset.mix(said, 10, speech_rms=3000.0, noise="tv")
    # Within 3 dB: active_rms counts samples over a fixed level, so its reading shifts with the scale.
    assert 0.7 < speechset.active_rms(background) / (3000.0 / 10 ** (10 / 20)) < 1.41
