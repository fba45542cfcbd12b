"""Decoder backends behind one small port: pocketsphinx and vosk."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Decoded:
    """A decoder's best reading of one utterance."""

    text: str
    """Words from the grammar, or "" when nothing in it matched."""
    confidence: float
    """0..1; how sure the backend is that `text`, and nothing else, was said."""


class Decoder(Protocol):
    """A streaming recognizer restricted to a set of phrases."""

    name: str

    def set_phrases(self, phrases: Iterable[str]) -> None:
        """Listen only for these phrases from the next utterance on."""

    def start(self) -> None:
        """Begin an utterance."""

    def accept(self, pcm: bytes) -> None:
        """Decode more 16 kHz int16 mono audio of the current utterance."""

    def finish(self) -> Decoded:
        """End the utterance and return what was said."""

    def drop(self) -> None:
        """End the utterance without deciding what was said (the coach began to speak over it)."""

    def close(self) -> None:
        """Free the model; idempotent."""
