"""The service's ears: when a command was said, and stopping without decoding a backlog."""

import threading
from types import SimpleNamespace

import numpy as np
import pytest

from assistant import hearing
from assistant.config import Settings
from assistant.speech.intents import Intent
from assistant.speech.listener import HeardCommand

BLOCK = ((np.arange(8000) * 120 / 16000 % 1 - 0.5) * 16000).astype(np.int16)
"""Half a second of 16 kHz audio, a 120 Hz sawtooth: a voice's buzz, which the voice gate lets through."""


class ScriptedListener:
    """Hears "pause" ending 0.5 s into the stream, once the block reaching 1.0 s is decoded."""

    def __init__(self) -> None:
        self.blocks = 0
        self.release = threading.Event()
        self.release.set()
        self.feeding = threading.Event()
        """Set once a block is being decoded."""
        self.listening: list[tuple[frozenset[str] | None, int, str]] = []
        """Each `listen_for`: the intents, the blocks decoded by then, and the calling thread."""

    def feed(self, frames: np.ndarray) -> list[HeardCommand]:
        self.feeding.set()
        self.release.wait(timeout=10)
        self.blocks += 1
        if self.blocks == 2:
            return [HeardCommand(Intent("pause"), "pause", start=0.2, end=0.5, confidence=1.0)]
        return []

    def listen_for(self, intents: frozenset[str] | None) -> None:
        self.listening.append((intents, self.blocks, threading.current_thread().name))

    def skip(self, samples: int) -> None:
        pass

    def pause(self) -> list[HeardCommand]:
        return []

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakeMicrophone:
    """Stands in for the PortAudio stream; the test calls `on_audio` as PortAudio's thread would."""

    opened = threading.Event()
    latest: "FakeMicrophone"

    def __init__(self, on_audio, device=None, block_seconds=0.01) -> None:  # noqa: ANN001 - the Microphone signature
        self.on_audio = on_audio
        self._block_seconds = block_seconds
        self.resized = threading.Event()
        """Set whenever Ears changes what is read at a time."""
        self.alive = True
        self.closed = threading.Event()
        FakeMicrophone.latest = self
        FakeMicrophone.opened.set()

    @property
    def block_seconds(self) -> float:
        return self._block_seconds

    @block_seconds.setter
    def block_seconds(self, seconds: float) -> None:
        if seconds != self._block_seconds:
            self._block_seconds = seconds
            self.resized.set()

    def close(self) -> None:
        self.alive = False
        self.closed.set()


@pytest.fixture
def fake_parts(monkeypatch) -> "ScriptedListener":
    """The microphone and the listener Ears opens are fakes; returns the listener."""
    import assistant.audio.capture
    import assistant.speech.listener_process

    listener = ScriptedListener()
    monkeypatch.setattr(assistant.speech.listener_process, "ListenerProcess", lambda *args, **kwargs: listener)
    monkeypatch.setattr(assistant.audio.capture, "Microphone", FakeMicrophone)
    FakeMicrophone.opened.clear()
    return listener


@pytest.fixture
def ears(fake_parts, tmp_path):
    """Ears on a scripted listener and a fake microphone, with a clock the test sets."""
    listener = fake_parts
    now = [100.0]
    heard: list[tuple[HeardCommand, float]] = []
    reported = threading.Event()

    def on_command(command: HeardCommand, said: float) -> None:
        heard.append((command, said))
        reported.set()

    ears = hearing.Ears(settings=Settings(), routine=None, places=SimpleNamespace(data=tmp_path),
                        on_command=on_command, on_problem=lambda what, active: None, clock=lambda: now[0])
    assert FakeMicrophone.opened.wait(timeout=10)
    yield SimpleNamespace(ears=ears, listener=listener, now=now, heard=heard, reported=reported)
    ears.close()


def test_a_command_decoded_late_carries_the_time_it_was_said(ears):
    microphone = FakeMicrophone.latest
    microphone.on_audio(BLOCK)
    ears.now[0] = 100.5
    microphone.on_audio(BLOCK)
    # The decoder is slow: by the time it reports, the clock has moved on.
    ears.now[0] = 130.0
    assert ears.reported.wait(timeout=10)
    command, said = ears.heard[0]
    assert command.intent.name == "pause"
    # The block that reached 1.0 s of audio arrived at 100.5; "pause" ended at 0.5 s.
    assert said == pytest.approx(100.0)


def test_closing_drops_the_audio_still_waiting_for_the_decoder(ears):
    microphone = FakeMicrophone.latest
    # The decoder is stuck on its first block until the microphone is closed.
    ears.listener.release = microphone.closed
    for _ in range(20):
        microphone.on_audio(BLOCK)
    ears.ears.close()
    assert ears.listener.blocks <= 1


def test_what_to_listen_for_reaches_the_decoder_between_blocks_on_its_own_thread(ears):
    microphone = FakeMicrophone.latest
    ears.listener.release = threading.Event()
    microphone.on_audio(BLOCK)
    assert ears.listener.feeding.wait(timeout=10)
    # The coach changes state while the decoder is busy with a block: it must not be touched now.
    ears.ears.listen_for(frozenset({"pause", "stop"}))
    assert all(intents != {"pause", "stop"} for intents, _, _ in ears.listener.listening)
    ears.listener.release.set()
    microphone.on_audio(BLOCK)
    assert ears.reported.wait(timeout=10)
    assert (frozenset({"pause", "stop"}), 1, "ears-decode") in ears.listener.listening


def test_what_to_listen_for_at_start_applies_to_the_first_block(fake_parts, tmp_path):
    ears = hearing.Ears(settings=Settings(), routine=None, places=SimpleNamespace(data=tmp_path),
                        on_command=lambda command, said: None, on_problem=lambda what, active: None,
                        listening=frozenset({"start_routine"}))
    try:
        assert FakeMicrophone.opened.wait(timeout=10)
        FakeMicrophone.latest.on_audio(BLOCK)
        assert fake_parts.feeding.wait(timeout=10)
        assert fake_parts.listening[0][:2] == (frozenset({"start_routine"}), 0)
    finally:
        ears.close()


def test_a_microphone_paced_faster_than_real_time_hands_over_as_much_more_audio_per_block(fake_parts, tmp_path):
    from assistant.audio.capture import BLOCK_SECONDS

    ears = hearing.Ears(settings=Settings(), routine=None, places=SimpleNamespace(data=tmp_path),
                        on_command=lambda command, said: None, on_problem=lambda what, active: None, speed=20.0)
    try:
        assert FakeMicrophone.opened.wait(timeout=10)
        assert FakeMicrophone.latest.block_seconds == pytest.approx(20 * BLOCK_SECONDS)
    finally:
        ears.close()


def test_the_microphone_reads_long_blocks_while_nobody_speaks_and_short_ones_once_someone_does(ears):
    from assistant.audio.capture import BLOCK_SECONDS, IDLE_BLOCK_SECONDS

    microphone = FakeMicrophone.latest
    microphone.on_audio(BLOCK)
    for _ in range(4):
        microphone.on_audio(np.zeros_like(BLOCK))
    assert microphone.resized.wait(timeout=10)
    assert microphone.block_seconds == IDLE_BLOCK_SECONDS
    microphone.resized.clear()
    microphone.on_audio(BLOCK)
    assert microphone.resized.wait(timeout=10)
    assert microphone.block_seconds == BLOCK_SECONDS
