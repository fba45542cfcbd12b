"""pocketsphinx backend: a JSGF grammar of the commands checked by a free-form pass.

A grammar decoder forces any sound onto some command ("start the car" comes
out as "start the toe walk"), so each utterance is also decoded with the
wheel's general English language model. The confidence is how closely the
phones of the two readings agree: a real command reads the same both ways,
other talk does not. The free pass is often wrong on its first guess in noise
("the the wall" for "do the toe walk"), so its next readings are compared too
and the best agreement counts.
"""

from __future__ import annotations

import difflib
import itertools
import logging
from collections.abc import Iterable
from pathlib import Path

from assistant.errors import ModelError
from assistant.speech.backends import Decoded
from assistant.speech.intents import normalize

logger = logging.getLogger(__name__)

EXTRA_PRONUNCIATIONS = {"owww": "AW", "unpause": "AH N P AO Z", "footstretch": "F UH T S T R EH CH"}
"""Command words missing from the CMU dictionary the wheel ships."""
MIN_PHONES = 3
"""Shorter phrases ("ow") are left out: a cough or a click matches one or two phones as well."""


MAX_EXTRA_PHONES = 1.4
"""The free reading may be this many times longer (in phones) than the command, no more.
On the tuning split it cut false commands from talk by a third (piper 21 → 14 of 118,
espeak-ng 15 → 8 of 177) and lost no command (benchmarks/README-recognition.md)."""


FREE_READINGS = 20
"""How many of the free pass's best readings (its n-best list) are compared with the command.
On the tuning split, 20 readings with a 0.8 threshold beat the first reading alone with 0.6:
piper 75 -> 83 % clean, 50 -> 52 % at 10 dB, false commands 139 -> 20 an hour of talk."""


WORD_SHARE = 0.7
MIN_WORD_PHONES = 2
"""Every command word of two phones or more needs more than two thirds of them in the free reading.
On the tuning split it took false commands from 20 an hour to 0 ("stop talking" was heard as
"start toe walking"), at a cost in noise: piper at 10 dB 67 -> 58 %."""


class PocketsphinxDecoder:
    """Grammar decoding with pocketsphinx's bundled en-us model, verified by its LM."""

    name = "pocketsphinx"

    def __init__(self, model_dir: Path | None = None) -> None:
        from pocketsphinx import Decoder, get_model_path

        base = Path(model_dir) if model_dir else Path(get_model_path()) / "en-us"
        settings = {
            "hmm": str(base / "en-us"),
            "dict": str(base / "cmudict-en-us.dict"),
            "loglevel": "FATAL",
            # Real microphones never give digital silence; dither keeps synthetic
            # or gated audio from breaking the log-energy features.
            "dither": True,
        }
        # The grammar's lattice rescoring pass loses the final state in noise and returns a
        # truncated phrase ("how much" for "how much longer"); its Viterbi path is right far
        # more often (piper at 10 dB: 42 % -> 71 %) and five times cheaper.
        grammar_settings = {**settings, "bestpath": False}
        try:
            self._grammar = Decoder(lm=None, **grammar_settings)
            self._free = Decoder(lm=str(base / "en-us.lm.bin"), **settings)
        except (RuntimeError, ValueError) as error:
            raise ModelError(f"cannot load the pocketsphinx model in {base}: {error}") from error
        for word, phones in EXTRA_PRONUNCIATIONS.items():
            if not self._grammar.lookup_word(word):
                self._grammar.add_word(word, phones, True)
        self._phrases: frozenset[str] = frozenset()
        self._searches: dict[frozenset[str], str] = {}
        self._closed = False

    def set_phrases(self, phrases: Iterable[str]) -> None:
        """Listen only for these phrases; phrases with unknown words are dropped with a log line."""
        wanted = frozenset(phrases)
        if wanted == self._phrases:
            return
        if wanted not in self._searches:
            known = sorted(p for p in wanted if len(self._phones(p)) >= MIN_PHONES
                           and all(self._grammar.lookup_word(w) for w in p.split()))
            if missing := sorted(wanted - set(known)):
                logger.info("pocketsphinx leaves out (unknown words, or too short to tell from noise): %s",
                            ", ".join(missing))
            if not known:
                raise ModelError("none of the command phrases can be spoken with the pocketsphinx dictionary")
            name = f"g{len(self._searches)}"
            body = " | ".join(known)
            self._grammar.add_jsgf_string(name, f"#JSGF V1.0;\ngrammar {name};\npublic <c> = {body} ;\n")
            self._searches[wanted] = name
        self._grammar.activate_search(self._searches[wanted])
        self._phrases = wanted

    def start(self) -> None:
        """Begin an utterance on both passes."""
        self._grammar.start_utt()
        self._free.start_utt()

    def accept(self, pcm: bytes) -> None:
        """Decode more audio on both passes."""
        self._grammar.process_raw(pcm)
        self._free.process_raw(pcm)

    def finish(self) -> Decoded:
        """End the utterance; the confidence is the best phone agreement with the free readings."""
        self._grammar.end_utt()
        self._free.end_utt()
        forced = self._grammar.hyp()
        text = forced.hypstr if forced is not None else ""
        if text not in self._phrases:
            # The grammar search ran out of audio before a final state: no command.
            return Decoded("", 0.0)
        free = self._free.hyp()
        heard = normalize(free.hypstr) if free is not None else ""
        longest = MAX_EXTRA_PHONES * len(self._phones(text))
        if len(self._phones(heard)) > longest:
            # The free reading heard clearly more than the command ("stop it", "hold on
            # tight"): talk that starts like a command, not the command on its own.
            return Decoded(text, 0.0)
        readings = [heard] + [normalize(other.hypstr) for other in
                              itertools.islice(self._free.nbest(), FREE_READINGS) if other is not None]
        return Decoded(text, max(self._agreement(text, reading) for reading in readings
                                 if len(self._phones(reading)) <= longest))

    def _agreement(self, text: str, heard: str) -> float:
        """How alike the two readings' phones are (0..1); 0 when any word of the command is mostly missing.

        The word check is what rejects near misses whose phones mostly agree: in "rest for a
        moment" read as "stop for a moment", or "stop talking" as "start toe walking", one word
        of the command has no more than two thirds of its phones in the free reading.
        """
        ours, theirs = self._phones(text), self._phones(heard)
        if not ours or not theirs:
            return 0.0
        matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
        found = [False] * len(ours)
        for block in matcher.get_matching_blocks():
            found[block.a: block.a + block.size] = [True] * block.size
        at = 0
        for word in text.split():
            size = len(self._phones(word))
            if size >= MIN_WORD_PHONES and sum(found[at: at + size]) < WORD_SHARE * size:
                return 0.0
            at += size
        return matcher.ratio()

    def _phones(self, text: str) -> list[str]:
        phones: list[str] = []
        for word in text.split():
            phones += (self._grammar.lookup_word(word) or "").split()
        return phones

    def close(self) -> None:
        """Drop the decoders; idempotent."""
        if not self._closed:
            self._closed = True
            del self._grammar, self._free
