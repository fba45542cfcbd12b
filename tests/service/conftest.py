"""Running the service for real on the virtual sound card, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.audio.virtual_card import SAMPLE_RATE, file_pcm, make_virtual_card
from tests.careless import home_environment

RUNNER = Path(__file__).parents[2] / "benchmarks" / "service_runner.py"
ROOT = Path(__file__).parents[2]


@dataclass
class ServiceRun:
    """What a run of the service did."""

    returncode: int
    log: str
    records: list[dict[str, Any]]
    played: np.ndarray
    summary: dict[str, Any]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["type"] == kind]

    def said(self) -> list[str]:
        return [r["text"] for r in self.of_type("say")]


@pytest.fixture(scope="session")
def cache_home(tmp_path_factory) -> Path:
    """An XDG cache home whose footstretch prompt cache is rendered once for every service test."""
    home = tmp_path_factory.mktemp("cache-home")
    subprocess.run(
        [sys.executable, "-m", "assistant", "voices", "prepare",
         "--cache-dir", str(home / "footstretch" / "prompts")],
        check=True, capture_output=True, timeout=600, stdin=subprocess.DEVNULL,
    )
    return home


@pytest.fixture
def run_service(tmp_path, cache_home):
    """Run the service with a spec; the microphone hears `capture` (16 kHz int16)."""

    def run(capture: np.ndarray | None = None, timeout: float = 300, alsa_extra: str = "", **spec: Any) -> ServiceRun:
        pcm = b"" if capture is None else capture.astype("<i2").tobytes()
        card = make_virtual_card(tmp_path / "card", pcm)
        if alsa_extra:
            card.config.write_text(card.config.read_text() + alsa_extra)
        spec = {"out": str(tmp_path), "cache": str(cache_home / "footstretch"), **spec}
        spec_file = tmp_path / "spec.json"
        spec_file.write_text(json.dumps(spec))
        env = {**os.environ, **card.environment(), "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, str(RUNNER), str(spec_file)], env=env, capture_output=True, text=True,
            timeout=timeout, stdin=subprocess.DEVNULL,
        )
        timeline = tmp_path / "timeline.jsonl"
        records = [json.loads(line) for line in timeline.read_text().splitlines()] if timeline.exists() else []
        lines = done.stdout.strip().splitlines()
        summary = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
        played = np.fromfile(card.playback, dtype="<i2") if card.playback.exists() else np.zeros(0, np.int16)
        return ServiceRun(done.returncode, done.stderr, records, played, summary)

    return run


@pytest.fixture(scope="session")
def speak():
    """Piper saying `text` into the microphone, with the quiet around it a command needs."""
    from assistant.speech.tts import Voice

    voice = Voice.load()

    def say(text: str) -> np.ndarray:
        clip = voice.synthesize(text).resampled(SAMPLE_RATE).samples
        return np.concatenate([silence(0.5), clip, silence(1.0)])

    return say


def voice_intents(run: ServiceRun) -> list[dict[str, Any]]:
    """The intents the microphone brought."""
    return [r for r in run.of_type("intent") if r["source"] == "voice"]


def silence(seconds: float) -> np.ndarray:
    """Digital silence at the microphone's rate."""
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16)


def mic_pcm(name: str, capture: Path) -> str:
    """ALSA config text for an extra capture device called `name` hearing `capture`."""
    return file_pcm(name, "/dev/null", capture)


@pytest.fixture(scope="session")
def demo(tmp_path_factory, cache_home):
    """One run of `footstretch demo --speed 20`: (completed process, timeline records, out dir)."""
    out = tmp_path_factory.mktemp("demo")
    env = {**home_environment(out / "home"), "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "demo", "--speed", "20", "--out", str(out)],
        capture_output=True, text=True, timeout=600, env=env, stdin=subprocess.DEVNULL,
    )
    timeline = out / "timeline.jsonl"
    records = [json.loads(line) for line in timeline.read_text().splitlines()] if timeline.exists() else []
    return done, records, out
