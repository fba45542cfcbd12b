"""vosk backend: a KaldiRecognizer limited to the command phrases plus "[unk]".

"[unk]" gives other speech somewhere to go, so talk is rejected instead of
being forced onto the nearest command; the per-word confidences vosk reports
become the utterance's confidence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from assistant.errors import ModelError
from assistant.speech.backends import Decoded
from assistant.speech.intents import spoken_forms
from assistant.speech.vad import RATE

UNKNOWN = "[unk]"


class VoskDecoder:
    """Streaming vosk recognition restricted to a grammar."""

    name = "vosk"

    def __init__(self, model_dir: Path) -> None:
        import vosk

        vosk.SetLogLevel(-1)
        model_dir = Path(model_dir)
        if not (model_dir / "am").is_dir() and not (model_dir / "final.mdl").exists():
            raise ModelError(
                f"no vosk model in {model_dir}; get one with "
                "`footstretch models fetch vosk-model-small-en-us-0.15`"
            )
        try:
            self._model = vosk.Model(str(model_dir))
        except Exception as error:  # vosk raises a bare Exception when loading fails
            raise ModelError(f"cannot load the vosk model in {model_dir}: {error}") from error
        self._vosk = vosk
        self._phrases: list[str] = []
        self._forms: dict[str, str] = {}
        self._recognizer = None
        self._segments: list[str] = []
        self._closed = False

    @property
    def phrases(self) -> list[str]:
        """The phrases the current grammar holds."""
        return list(self._phrases)

    def set_phrases(self, phrases: Iterable[str]) -> None:
        """Listen only for these phrases (plus "[unk]") from the next utterance on."""
        wanted = sorted(set(phrases))
        if wanted == self._phrases and self._recognizer is not None:
            return
        self._phrases = wanted
        self._forms = spoken_forms(wanted)
        grammar = json.dumps([*self._forms, UNKNOWN], ensure_ascii=False)
        self._recognizer = self._vosk.KaldiRecognizer(self._model, RATE, grammar)
        self._recognizer.SetWords(True)

    def start(self) -> None:
        """Begin an utterance."""
        if self._recognizer is None:
            raise ModelError("vosk decoder used before set_phrases")
        self._recognizer.Reset()
        self._segments = []

    def accept(self, pcm: bytes) -> None:
        """Decode more audio of the current utterance."""
        if self._recognizer.AcceptWaveform(pcm):
            # vosk's own endpointer closed a segment mid-utterance; keep it.
            self._segments.append(self._recognizer.Result())

    def partial(self) -> str:
        """The words heard so far in this utterance (may still change)."""
        return json.loads(self._recognizer.PartialResult()).get("partial", "")

    def finish(self) -> Decoded:
        """End the utterance and parse vosk's final result."""
        return parse_result([*self._segments, self._recognizer.FinalResult()], self._forms)

    def drop(self) -> None:
        """Forget the utterance."""
        self._recognizer.Reset()
        self._segments = []

    def close(self) -> None:
        """Free the recognizer and model; idempotent."""
        if not self._closed:
            self._closed = True
            self._recognizer = None
            self._model = None


def parse_result(results: list[str], forms: Mapping[str, str]) -> Decoded:
    """Turn vosk's JSON results for one utterance into a Decoded of the phrase its words say
    (`forms`: as said -> phrase); "[unk]" anywhere means not a command."""
    parsed = [json.loads(result) for result in results]
    text = " ".join(part.get("text", "").strip() for part in parsed if part.get("text", "").strip())
    words = [word for part in parsed for word in part.get("result", [])]
    if not text or UNKNOWN in text.split() or text not in forms:
        return Decoded("", 0.0)
    confidence = min((float(word.get("conf", 0.0)) for word in words), default=0.0)
    return Decoded(forms[text], confidence)
