"""Fixtures for the speaking tests: the real bundled piper voice, loaded once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.speech.tts import Voice


@pytest.fixture(scope="session")
def voice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Voice]:
    """The bundled en_US-joe-medium voice, loaded once for the whole session."""
    yield Voice.load(voices_dir=tmp_path_factory.mktemp("no-voices"))
