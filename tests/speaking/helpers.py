"""Helpers for the speaking tests: PortAudio in a subprocess, and reading what was played."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.virtual_card import make_virtual_card


@dataclass(frozen=True)
class CardRun:
    """What a script run against the virtual card printed, and what it played."""

    output: dict
    played: np.ndarray
    """int16 samples that landed in the card's playback file."""


def run_on_virtual_card(directory: Path, script: str, channels: int = 1) -> CardRun:
    """Run `script` in a fresh Python whose PortAudio sees only the virtual card.

    The script's last line of stdout must be JSON; PortAudio reads the ALSA
    configuration once per process, hence the subprocess.
    """
    card = make_virtual_card(directory / "card")
    env = {**os.environ, **card.environment()}
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.strip().splitlines()
    output = json.loads(lines[-1]) if lines else {}
    played = np.fromfile(card.playback, dtype="<i2")
    if channels > 1:
        played = played[: len(played) // channels * channels].reshape(-1, channels)[:, 0]
    return CardRun(output=output, played=played)


def sound_span(samples: np.ndarray, threshold: int = 0) -> np.ndarray:
    """The samples from the first to the last one louder than `threshold`."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    assert len(loud), "nothing was played"
    return samples[loud[0] : loud[-1] + 1]


def segments(samples: np.ndarray, rate: int, min_gap: float) -> list[np.ndarray]:
    """Stretches of sound separated by at least `min_gap` seconds of exact silence."""
    loud = np.flatnonzero(samples != 0)
    if not len(loud):
        return []
    breaks = np.flatnonzero(np.diff(loud) > min_gap * rate)
    starts = np.concatenate([[loud[0]], loud[breaks + 1]])
    ends = np.concatenate([loud[breaks], [loud[-1]]])
    return [samples[start : end + 1] for start, end in zip(starts, ends)]


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    """The strongest frequency in `samples`, in Hz."""
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])
