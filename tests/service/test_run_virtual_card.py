"""`footstretch run --virtual-card DIR`: the public way to run the real service on files, as outside checks do."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.virtual_card import SAMPLE_RATE
from tests.careless import ROOT, home_environment

pytestmark = pytest.mark.integration
SPEED = 4.0


class RunningService:
    """`footstretch run --virtual-card` in a process of its own, watched through its files."""

    def __init__(self, root: Path, cache_home: Path, *extra: str) -> None:
        self.card = root / "card"
        self.timeline = root / "timeline.jsonl"
        self.state = root / "state"
        self.log = root / "service.log"
        env = {**home_environment(root), "XDG_CACHE_HOME": str(cache_home)}
        self._log_file = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "run", "--virtual-card", str(self.card), "--speed", str(SPEED),
             "--timeline", str(self.timeline), *extra],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
        )

    def wait_for(self, found, what: str, seconds: float = 60) -> None:  # noqa: ANN001 - a predicate
        deadline = time.monotonic() + seconds
        while not found():
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"no {what} within {seconds} s:\n{self.log.read_text()[-3000:]}"
            time.sleep(0.1)

    def wait_until_listening(self) -> None:
        self.wait_for(lambda: "assistant.service: ready" in self.log.read_text(), "ready")
        time.sleep(1.0)  # the microphone opens just after

    def say(self, audio: np.ndarray) -> None:
        with open(self.card / "capture.raw", "ab") as capture:
            capture.write(audio.astype("<i2").tobytes())

    def records(self) -> list[dict]:
        text = self.timeline.read_text() if self.timeline.exists() else ""
        return [json.loads(line) for line in text.splitlines()]

    def intents(self) -> list[str]:
        return [r["intent"] for r in self.records() if r["type"] == "intent"]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self._log_file.close()


@pytest.fixture
def service(tmp_path, cache_home):
    running: list[RunningService] = []

    def start(*extra: str) -> RunningService:
        running.append(RunningService(tmp_path, cache_home, *extra))
        return running[-1]

    yield start
    for each in running:
        if each.process.poll() is None:
            each.process.kill()
            each.process.wait()


def test_it_hears_what_is_appended_to_capture_raw_and_plays_into_playback_raw(service, speak, tmp_path):
    (tmp_path / "card").mkdir()
    # Said before the microphone opened: the service must not hear the past.
    (tmp_path / "card" / "capture.raw").write_bytes(speak("stop").astype("<i2").tobytes())
    running = service()
    running.wait_until_listening()
    running.say(speak("start ankle circles"))
    running.wait_for(lambda: "start_stretch" in running.intents(), "start_stretch in the timeline")
    started = time.monotonic()
    # The timeline is flushed line by line: read while the service runs.
    running.wait_for(lambda: any(r["type"] == "hold_start" for r in running.records()), "hold_start")
    running.say(speak("pause"))
    running.wait_for(lambda: "pause" in running.intents(), "pause in the timeline", seconds=30)
    wall = time.monotonic() - started
    assert running.stop() == 0
    assert running.intents() == ["start_stretch", "pause"]
    assert all(r["source"] == "voice" for r in running.records() if r["type"] == "intent")
    played = np.fromfile(running.card / "playback.raw", dtype="<i2")
    # 16 kHz mono, paced: about SPEED seconds of audio for each second of wall clock.
    assert len(played) / SAMPLE_RATE > SPEED * wall * 0.8
    first_say = next(r for r in running.records() if r["type"] == "say")
    assert first_say["text"].startswith("Stretch three of six: ankle circles")
    assert np.abs(played).max() > 3000
    assert (tmp_path / "state" / "footstretch" / "history.sqlite3").exists()


def test_speed_without_a_virtual_card_is_refused(tmp_path):
    done = subprocess.run([sys.executable, "-m", "assistant", "run", "--speed", "3"], env=home_environment(tmp_path),
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "--speed needs --virtual-card" in done.stderr
