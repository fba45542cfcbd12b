"""From 16 kHz audio to `HeardCommand`s: VAD endpointing, a decoder, and rejection.

A command is the whole utterance. An utterance becomes a command only when
the decoder's grammar reading is one of the accepted phrases, its confidence
clears the backend's threshold, it is short enough to be a command rather
than talk that happens to contain one, and quiet comes before and after it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.closing import Closing
from assistant.errors import ModelError
from assistant.speech.backends import Decoder
from assistant.speech.denoise import NoiseSuppressor
from assistant.speech.intents import Intent, IntentParser
from assistant.speech.rnnoise import RnnoiseSuppressor, load_library
from assistant.speech.vad import RATE, Endpointer, VadEvent

logger = logging.getLogger(__name__)

VOSK_MODEL = "vosk-model-small-en-us-0.15"
MIN_CONFIDENCE = {
    "normal": {"pocketsphinx": 0.4, "vosk": 0.5},
    "strict": {"pocketsphinx": 0.4, "vosk": 0.7},
}
"""Per strictness and backend, the confidence below which an utterance is not a command
(benchmarks/README-recognition.md; vosk's English figures are not measured yet). pocketsphinx's
strict hearing is stricter in its grammar, not here: once a command had to score clearly better
than the free reading, 0.7 instead of 0.4 left piper's false commands at none, took espeak-ng's
from 14 to 7 an hour, and halved espeak-ng's clean commands, 47 % to 25 % (one-off analysis of
the tuning split)."""
STRICTNESS = tuple(MIN_CONFIDENCE)
"""How sure hearing must be before acting: "normal" misses few commands; "strict", for a bed
beside a TV or radio, acts on less of what they say and misses more commands."""
MAX_COMMAND_SECONDS = 3.5
"""Longer utterances are talk: the longest command phrase takes about two seconds."""
MIN_COMMAND_SECONDS = 0.15
"""Shorter voiced runs are clicks and bumps: never a command, and not talk before one ("skip" takes 0.3 s)."""
QUIET_BEFORE_SECONDS = 0.5
"""A command follows at least this much quiet, from the end of the last utterance to this one's
voiced onset. Read prose pauses for 150–400 ms between phrases, and a phrase of it can be a
command ("how much is left"). On the tuning split it took false commands from espeak-ng's talk
from 178 to 151 an hour (held out: 103 to 83) at no cost in clean or 10 dB accuracy.
Someone who says "pause" right on the heels of other talk says it again."""


@dataclass(frozen=True)
class HeardCommand:
    """A command heard in the stream, with where it was and how sure the decoder is."""

    intent: Intent
    text: str
    start: float
    """Seconds from the start of the stream."""
    end: float
    confidence: float


def data_dir() -> Path:
    """Where models live: `models/` in the data root (`$FOOTSTRETCH_DATA_DIR`, else XDG data)."""
    from assistant import paths

    return paths.data_dir() / "models"


def default_vosk_model_dir() -> Path:
    """The vosk English model's directory in the data dir."""
    return data_dir() / VOSK_MODEL


class CommandListener(Closing):
    """Fed 16 kHz int16 mono audio, returns the commands completed by it."""

    def __init__(self, decoder: Decoder, phrases: Mapping[str, Intent], *, strictness: str = "normal",
                 min_confidence: float | None = None, endpointer: Endpointer | None = None,
                 suppressor: NoiseSuppressor | RnnoiseSuppressor | None = None,
                 max_seconds: float = MAX_COMMAND_SECONDS) -> None:
        self._decoder = decoder
        self._table = dict(phrases)
        self._threshold = (MIN_CONFIDENCE[strictness].get(decoder.name, 0.5)
                           if min_confidence is None else min_confidence)
        self._vad = endpointer or Endpointer()
        self._suppressor = suppressor or open_suppressor()
        self._max_seconds = max_seconds
        self._start = self._onset = 0.0
        self._length = 0.0
        self._talk_ended = -QUIET_BEFORE_SECONDS
        """Where the last utterance that was not a click ended, in stream seconds."""
        self._listening: frozenset[str] | None = None
        self._pending: HeardCommand | None = None
        """A command read from the last utterance, acted on once quiet follows it (vad.SETTLE_FRAMES)."""
        self._decoder.set_phrases(self._table)

    @property
    def backend(self) -> str:
        """Which decoder is listening ("vosk" or "pocketsphinx")."""
        return self._decoder.name

    def listen_for(self, intents: frozenset[str] | None) -> None:
        """Report only commands of these intents (None: all), from the next one decided on.

        The decoder keeps listening for every phrase: the same audio is the same command in
        every state where it is wanted, and one grammar costs one search's memory
        (benchmarks/README-recognition.md, "The gate, and one grammar for every state")."""
        self._listening = intents

    def reset(self) -> None:
        """Drop any utterance in progress (for example while the coach is speaking)."""
        if self._vad.in_speech:
            self._decoder.drop()
        self._vad.reset()
        self._pending = None

    def feed(self, frames: np.ndarray) -> list[HeardCommand]:
        """Take 16 kHz int16 mono samples; return the commands whose utterance just ended."""
        return self._decide(self._vad.feed(self._suppressor.process(frames)))

    def pause(self) -> list[HeardCommand]:
        """Decide on an utterance still open, as if quiet followed: audio stops coming for a while
        (`gate.GatedListener` shut). The noise suppressor keeps what it has learnt of the room."""
        return self._decide(self._vad.flush())

    def skip(self, samples: int) -> None:
        """`samples` of quiet went by undecoded (`gate.GatedListener` held them back, after a `pause`)."""
        self._vad.skip(samples)

    def flush(self) -> list[HeardCommand]:
        """End the stream: decide on an utterance still open."""
        return self._decide([*self._vad.feed(self._suppressor.flush()), *self._vad.flush()])

    def _decide(self, events: list[VadEvent]) -> list[HeardCommand]:
        """The commands the endpointer's events complete, in order."""
        return [command for event in events for command in self._on(event)]

    def _on(self, event: VadEvent) -> list[HeardCommand]:
        kind, audio, time = event.kind, event.audio, event.time
        if kind == "quiet":
            heard, self._pending = self._pending, None
            return [heard] if heard else []
        if kind == "start":
            if self._pending:
                logger.debug("not a command: %r, talk went on after it", self._pending.text)
            self._pending = None
            self._decoder.start()
            self._start, self._onset, self._length = time, event.onset, 0.0
        if kind in ("start", "speech"):
            self._length += len(audio) / RATE
            if self._length <= self._max_seconds:
                # Past the longest command it is talk: stop spending CPU decoding it.
                self._decoder.accept(audio.tobytes())
            return []
        self._pending = self._command(time)
        return []

    def _command(self, time: float) -> HeardCommand | None:
        """The command the utterance ending at `time` was, if it was one."""
        decoded = self._decoder.finish()
        spoken = time - self._onset
        quiet = self._onset - self._talk_ended
        if spoken >= MIN_COMMAND_SECONDS:
            self._talk_ended = time
        intent = self._table.get(decoded.text)
        if (intent is None or decoded.confidence < self._threshold or quiet < QUIET_BEFORE_SECONDS
                or not MIN_COMMAND_SECONDS <= spoken <= self._max_seconds):
            logger.debug("not a command: %r (confidence %.2f, %.1f s, %.1f s quiet before)",
                         decoded.text, decoded.confidence, spoken, quiet)
            return None
        if self._listening is not None and intent.name not in self._listening:
            return None
        named = Intent(intent.name, intent.stretch, text=decoded.text)
        return HeardCommand(named, decoded.text, round(self._start, 3), round(time, 3), round(decoded.confidence, 3))

    def close(self) -> None:
        """Free the decoder; idempotent."""
        self._decoder.close()


def open_suppressor() -> NoiseSuppressor | RnnoiseSuppressor:
    """RNNoise when its library loads (x86_64, aarch64), else the spectral suppressor."""
    library = load_library()
    if library is None:
        logger.info("no RNNoise library (pip package pyrnnoise) here: suppressing noise spectrally, "
                    "which hears fewer commands over a fan")
        return NoiseSuppressor()
    return RnnoiseSuppressor(library)


def open_decoder(backend: str = "auto", model_dir: Path | None = None, strictness: str = "normal") -> Decoder:
    """The decoder `backend` names; "auto" prefers vosk when its model loads."""
    if backend not in ("auto", "vosk", "pocketsphinx"):
        raise ModelError(f"unknown speech backend {backend!r} (use auto, vosk or pocketsphinx)")
    if strictness not in STRICTNESS:
        raise ModelError(f"unknown strictness {strictness!r} (use {' or '.join(STRICTNESS)})")
    strict = strictness == "strict"
    from assistant.speech.backends.pocketsphinx import PocketsphinxDecoder
    from assistant.speech.backends.vosk import VoskDecoder

    vosk_dir = Path(model_dir) if model_dir else default_vosk_model_dir()
    if backend == "vosk":
        return VoskDecoder(vosk_dir)
    if backend == "pocketsphinx":
        # `model_dir` names a vosk model; pocketsphinx always hears with the model its wheel ships.
        return PocketsphinxDecoder(strict=strict)
    if vosk_dir.is_dir():
        try:
            decoder = VoskDecoder(vosk_dir)
        except ModelError as error:
            logger.warning("%s; using pocketsphinx instead", error)
        else:
            logger.info("hearing commands with vosk (%s)", vosk_dir)
            return decoder
    logger.info(
        "hearing commands with pocketsphinx (no vosk model in %s); for better accuracy run "
        "`footstretch models fetch %s`", vosk_dir, VOSK_MODEL,
    )
    return PocketsphinxDecoder(strict=strict)


def open_listener(backend: str = "auto", model_dir: Path | None = None, routine=None,  # noqa: ANN001 - Routine, imported lazily
                  strictness: str = "normal", min_confidence: float | None = None,
                  suppressor: NoiseSuppressor | RnnoiseSuppressor | None = None) -> CommandListener:
    """A listener for every command of `routine` (default routine when None); `min_confidence` overrides the
    strictness's, and `suppressor` the noise suppressor `open_suppressor` picks."""
    if routine is None:
        from assistant.routine.model import default_routine

        routine = default_routine()
    phrases: Mapping[str, Intent] = IntentParser(routine).spoken_phrases()
    return CommandListener(open_decoder(backend, model_dir, strictness), phrases,
                           strictness=strictness, min_confidence=min_confidence, suppressor=suppressor)


def phrase_table(pairs: Iterable[tuple[str, str]]) -> dict[str, Intent]:
    """A phrase → Intent table from (phrase, intent name) pairs, for other languages and tests."""
    return {phrase: Intent(name) for phrase, name in pairs}
