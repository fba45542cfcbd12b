"""The recognizer in its own process: the same commands, none of the service's CPU, and it survives."""

from __future__ import annotations

import logging
import os
import signal
import time

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.routine.model import default_routine
from assistant.speech.gate import GatedListener
from assistant.speech.listener import open_listener
from assistant.speech.listener_process import ListenerProcess
from assistant.speech.vad import FRAME, HANGOVER_FRAMES

pytestmark = pytest.mark.integration
BLOCK = 1600


def _feed(listener, audio: np.ndarray):
    heard = []
    for offset in range(0, len(audio), BLOCK):
        heard += listener.feed(audio[offset: offset + BLOCK])
    return heard


@pytest.fixture
def remote(tmp_path):
    with ListenerProcess("auto", tmp_path / "no-vosk-model", default_routine()) as listener:
        yield listener


def test_it_hears_what_the_listener_hears_without_spending_the_services_cpu(remote, commands_scene) -> None:
    audio, _ = commands_scene
    began = time.process_time()
    heard = _feed(remote, audio)
    remote_cpu = time.process_time() - began
    with open_listener("pocketsphinx") as local:
        began = time.process_time()
        local_heard = _feed(local, audio)
        local_cpu = time.process_time() - began
    assert remote.backend == "pocketsphinx" and remote.pid != os.getpid()
    assert [(h.intent.name, h.text) for h in heard] == [(h.intent.name, h.text) for h in local_heard]
    assert {"time_left", "next", "resume", "whats_next"} <= {h.intent.name for h in heard}
    # What is left in this process is copying blocks into a pipe.
    assert remote_cpu < local_cpu / 5


def test_listen_for_reaches_the_child(remote, commands_scene) -> None:
    audio, _ = commands_scene
    remote.listen_for(frozenset({"time_left"}))
    assert [h.intent.name for h in _feed(remote, audio)] == ["time_left"]


def test_a_child_that_dies_is_started_again_listening_as_before_with_stream_times_kept(
        remote, commands_scene) -> None:
    audio, placed = commands_scene
    remote.listen_for(frozenset({"whats_next", "pain"}))
    half = len(audio) // 2 // BLOCK * BLOCK
    _feed(remote, audio[:half])
    first = remote.pid
    os.kill(first, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="process ended"):
        remote.feed(audio[half: half + BLOCK])
    remote.reset()
    assert remote.pid != first
    heard = _feed(remote, audio)
    assert [h.intent.name for h in heard] == ["whats_next", "pain"]
    # Times count from the start of the stream, the block lost with the child included.
    said = next(s for s in placed if s.text == "what's next")
    assert abs(heard[0].start - (said.start + (half + BLOCK) / 16000)) < 0.4


def test_a_child_whose_socket_closed_before_it_could_be_reaped_is_started_again(
        remote, commands_scene, monkeypatch) -> None:
    """A killed child's socket closes a moment before it can be reaped; under load `reset` came
    in that moment, took the child for alive, and failed instead of starting a new one."""
    audio, _ = commands_scene
    first = remote.pid
    os.kill(first, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="process ended"):
        remote.feed(audio[:BLOCK])
    monkeypatch.setattr(remote._process, "poll", lambda: None)
    remote.reset()
    assert remote.pid != first
    assert "time_left" in {h.intent.name for h in _feed(remote, audio)}


def test_the_terminals_and_systemds_signals_are_left_to_the_service(remote, commands_scene) -> None:
    audio, _ = commands_scene
    for sig in (signal.SIGINT, signal.SIGTERM):
        os.kill(remote.pid, sig)
    assert "time_left" in {h.intent.name for h in _feed(remote, audio)}


def test_the_childs_log_lines_reach_the_services_log(tmp_path, caplog) -> None:
    caplog.set_level(logging.INFO)
    with ListenerProcess("auto", tmp_path / "no-vosk-model", default_routine()):
        pass
    assert any(r.name == "assistant.speech.listener" and "footstretch models fetch" in r.getMessage()
               for r in caplog.records)


def test_a_missing_model_is_a_model_error_saying_how_to_get_it(tmp_path) -> None:
    with pytest.raises(ModelError, match="models fetch"):
        ListenerProcess("vosk", tmp_path / "no-vosk-model", default_routine())


def test_behind_the_voice_gate_the_child_hears_the_same_commands_at_the_same_times(remote, commands_scene) -> None:
    audio, _ = commands_scene
    quiet = np.zeros(20 * 16000, np.int16)
    audio = np.concatenate([quiet, audio, quiet, audio])
    with open_listener("pocketsphinx") as local:
        expected = _feed(local, audio)
    heard = _feed(GatedListener(remote), audio)
    assert [h.intent.name for h in heard] == [h.intent.name for h in expected]
    # Within one endpointer hangover: the noise suppressor starts afresh each time the gate opens.
    assert [h.end for h in heard] == pytest.approx([h.end for h in expected], abs=HANGOVER_FRAMES * FRAME / 16000 + 0.01)
