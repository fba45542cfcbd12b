"""The echo gate: a command heard over the coach must be louder than the coach's echo alone."""

import numpy as np

from assistant.echo_gate import EchoGate, LevelTrack

BLOCK = 0.01
RNG = np.random.default_rng(0)


def tone(level: float) -> np.ndarray:
    """10 ms of noise at `level` (int16 peak-ish units)."""
    return (RNG.standard_normal(160) * level).astype(np.int16)


def room(seconds: float, played_level, echo_gain: float, person=lambda t: 0.0) -> EchoGate:
    """A gate fed `seconds` of speaker and microphone blocks; the microphone hears the echo plus the person."""
    gate = EchoGate(heard=LevelTrack(), played=LevelTrack())
    for step in range(int(seconds / BLOCK)):
        at = step * BLOCK
        played = played_level(at)
        gate.played.add(at, tone(played))
        gate.heard.add(at, tone(np.hypot(played * echo_gain, person(at)) + 1.0))
    return gate


def test_the_coachs_own_words_coming_back_are_not_the_person():
    gate = room(40, lambda t: 3000.0, echo_gain=0.5)
    assert not gate.is_person(35.0, 36.0)


def test_a_person_as_loud_as_the_echo_over_the_coach_is_heard():
    gate = room(40, lambda t: 3000.0, echo_gain=0.5, person=lambda t: 1500.0 * (35 <= t < 36))
    assert gate.is_person(35.0, 36.0)
    assert not gate.is_person(30.0, 31.0), "the moment before, the echo alone"


def test_with_no_echo_in_the_room_a_quiet_command_over_the_coach_is_heard():
    gate = room(40, lambda t: 3000.0, echo_gain=0.0, person=lambda t: 300.0 * (35 <= t < 36))
    assert gate.is_person(35.0, 36.0)


def test_while_the_coach_is_quiet_every_command_is_the_person():
    gate = room(40, lambda t: 3000.0 * (t < 20), echo_gain=1.0)
    assert gate.is_person(35.0, 36.0)
    assert EchoGate(LevelTrack(), LevelTrack()).is_person(1.0, 2.0), "nothing recorded at all"


def test_only_the_last_half_minute_is_kept():
    track = LevelTrack()
    for step in range(6000):
        track.add(step * BLOCK, tone(1000.0))
    assert np.isnan(track.binned(0.0, 1.0)).all()
    assert np.isfinite(track.binned(50.0, 59.0)).all()
