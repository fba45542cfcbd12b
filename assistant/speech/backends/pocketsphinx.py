"""pocketsphinx backend: the commands and a loop of common words in one grammar, checked by a free-form pass.

A grammar of commands alone forces any sound onto some command ("start the
car" comes out as "start the toe walk"). So the grammar also holds a loop
over about five hundred common English words, each at a small cost: talk
reads as a run of common words and is rejected, while a command said on its
own fits its own path better than any run of words. This is the `[unk]` of
vosk, built by hand.

Each utterance is also decoded with the wheel's general English language
model. When that free reading is clearly longer than the command, the
utterance is talk that starts like a command ("stop it", "hold on tight"),
unless it is one long word for a one-word command that clearly beats it
("brazilian" for "resume" said slowly).
When the free reading, language model and all, scores nearly as well as the
command, the audio is more likely the ordinary English the free pass heard
("start the car", "how much was it") than the command. How closely the
phones of the two readings agree is the confidence, except for a one-word
command that clearly beats the free reading: the free pass often hears a
short word alone as another ("aunts" for "pause"), and there is no talk
around it for the command to hide in. Last, when the free pass heard other
words, the utterance is force-aligned with both readings, with no language
model on either: when the other words fit far better, they were said.

Strict hearing (`speech.strictness = "strict"`, for a bed beside a TV or a
radio) gives the loop the language model's 3000 likeliest words, so that more
of what a TV says has a reading of its own ("start the engine" no longer has
to be "start the ankles"), at the price of a command now and then.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from assistant.errors import ModelError
from assistant.speech.backends import Decoded
from assistant.speech.backends.common_words import COMMON_WORDS
from assistant.speech.intents import normalize, spoken_forms

logger = logging.getLogger(__name__)

EXTRA_PRONUNCIATIONS = {"unpause": "AH N P AO Z", "footstretch": "F UH T S T R EH CH"}
"""Command words missing from the CMU dictionary the wheel ships."""

COMMON_WORD_PROBABILITY = 1e-3
"""What each common word in the loop costs, against 1 for a command's path. On the tuning split,
the grammar alone at 1e-3 heard piper 100 % clean and 88 % at 10 dB, espeak-ng 69 % / 68 %; 1e-2
lost piper 8 and espeak-ng 11 points clean; 1e-8 let three times as much talk through
(benchmarks/README-recognition.md)."""

STRICT_WORD_PROBABILITY = 3e-4
"""What each word of the strict loop (common words and the talk words) costs. On the tuning split,
with a confidence of at least 0.7, it let 12 false commands an hour of piper's talk through against
59 with the hand list alone, for piper 100 % -> 96 % clean (benchmarks/README-recognition.md)."""

MAX_EXTRA_PHONES = 1.4
"""The free reading may be this many times longer (in phones) than the command, no more.
On the tuning split, with the common-word loop, it took false commands per hour of talk from
249 to 107 (piper) and from 151 to 82 (espeak-ng) for 4–5 points of accuracy. A one-word
command that clears MIN_MARGIN is spared it when the free reading is one word too: waived
for any free reading, the tuning split heard "cancel the order" as "cancel"."""

FREE_READINGS = 20
"""How many of the free pass's best readings (its n-best list) are compared with the command:
the free pass is often wrong on its first guess in noise ("the the wall" for "do the toe walk")."""


MIN_MARGIN = 3.0
"""How much better per frame, in pocketsphinx's log units, the command's path must score than the
free reading (whose score includes the language model's cost of its words), unless the two agree
(`FULL_AGREEMENT`). A one-word command that clears it needs no agreement with the free
reading at all (`finish`). In the recognition benchmark it took piper's false commands per hour of talk
from 107 and 34 (tuning, held-out) to 0-12 and 11, all near misses, for piper's clean commands
98 and 96 % -> 92-96 and 90-92 %. In a one-off analysis, 2 let one more near miss through per
split and 4 lost commands at 10 dB (benchmarks/README-recognition.md)."""

FULL_AGREEMENT = 0.95
"""Readings that agree at least this well need no margin. When the free pass heard the command
itself, the command's path is better only by the language model's cost of its words, which spread
over a long command can come to less than MIN_MARGIN per frame."""

MIN_ALIGNMENT_LEAD = -8.0
"""When the free pass heard other words, how much better per frame, in pocketsphinx's log units,
the audio may align with them than with the command's before the command is turned down. Both are
force-aligned with the same acoustic model and no language model, so the free reading's language
model cost no longer hides how much better its words fit ("skip the ads" for "skip that", "how
much are the tickets" for "how much longer to go"). Free readings of real commands often fit a
little better ("start my book stretches" for "start my foot stretches"): in a one-off analysis of
the tuning split, -8 lost none of piper's 93 commands heard and 2 of espeak-ng's 99, and stopped
3 of the 8 false commands; 0 lost a quarter of piper's (benchmarks/README-recognition.md)."""

FREE_MAX_HMMS = 3000
"""The free pass keeps at most this many phone models (HMMs) active per frame (pocketsphinx's
default is 30000). On the held-out split it took CPU while someone talks from 0.225 to 0.190 s
per s, with accuracy and false commands the same within a rerun's spread
(benchmarks/README-recognition.md). That matters most on a Pi, which is slower per core (not
measured here)."""


class PocketsphinxDecoder:
    """Grammar decoding with pocketsphinx's bundled en-us model: commands against common words."""

    name = "pocketsphinx"

    def __init__(self, model_dir: Path | None = None, *, strict: bool = False) -> None:
        from pocketsphinx import Decoder, get_model_path

        base = Path(model_dir) if model_dir else Path(get_model_path()) / "en-us"
        settings = {
            "hmm": str(base / "en-us"),
            "loglevel": "FATAL",
            # Real microphones never give digital silence; dither keeps synthetic
            # or gated audio from breaking the log-energy features.
            "dither": True,
        }
        self._dictionary = base / "cmudict-en-us.dict"
        try:
            # The free pass's second (flat lexicon) search only polishes a reading used for
            # its length and phones; without it the reading comes 70 ms sooner after speech
            # ends, at the same accuracy and false commands on the tuning split.
            with _language_model_words(self._dictionary, base / "en-us.lm.bin") as words:
                self._free = Decoder(lm=str(base / "en-us.lm.bin"), dict=str(words), fwdflat=False,
                                     maxhmmpf=FREE_MAX_HMMS, **settings)
            # The grammar's lattice rescoring pass loses the final state in noise and returns a
            # truncated phrase ("how much" for "how much longer"); its Viterbi path is right far
            # more often (piper at 10 dB: 42 % -> 71 %) and five times cheaper. Its dictionary
            # holds only the words its grammars use (`_know`): the whole CMU dictionary a second
            # time would cost 22 MB.
            self._grammar = Decoder(lm=None, dict=os.devnull, bestpath=False, **settings)
        except (OSError, RuntimeError, ValueError) as error:
            raise ModelError(f"cannot load the pocketsphinx model in {base}: {error}") from error
        loop = [*COMMON_WORDS, *talk_words()] if strict else COMMON_WORDS
        self._learn_rare(loop)
        self._common = [word for word in dict.fromkeys(loop) if self._know(word)]
        self._common_probability = STRICT_WORD_PROBABILITY if strict else COMMON_WORD_PROBABILITY
        self._phrases: frozenset[str] = frozenset()
        self._searches: dict[frozenset[str], tuple[str, dict[str, str]]] = {}
        self._utterance = bytearray()
        """The audio of the utterance being decoded, for `_alignment_lead`."""
        self._forms: dict[str, str] = {}
        """What the active grammar can say, mapped to its phrase ("what's next" -> "what is next")."""
        self._closed = False

    def set_phrases(self, phrases: Iterable[str]) -> None:
        """Listen only for these phrases; phrases with unknown words are dropped with a log line."""
        wanted = frozenset(phrases)
        if wanted == self._phrases:
            return
        if wanted not in self._searches:
            spoken = spoken_forms(wanted)
            self._learn_rare(word for said in spoken for word in said.split())
            forms = {said: phrase for said, phrase in spoken.items()
                     if all(self._know(w) for w in said.split())}
            if missing := sorted(wanted - set(forms.values())):
                logger.info("pocketsphinx leaves out (words not in its dictionary): %s", ", ".join(missing))
            if not forms:
                raise ModelError("none of the command phrases can be spoken with the pocketsphinx dictionary")
            name = f"g{len(self._searches)}"
            self._grammar.add_fsg(name, self._commands_or_common_words(name, sorted(forms)))
            self._searches[wanted] = (name, forms)
        name, self._forms = self._searches[wanted]
        self._grammar.activate_search(name)
        self._phrases = wanted

    def _commands_or_common_words(self, name: str, phrases: list[str]):  # noqa: ANN202 - FsgModel, imported lazily
        """A finite-state grammar: start → one whole command → end, or start → common words, any number → end."""
        from pocketsphinx import FsgModel

        arcs, states = word_graph(phrase.split() for phrase in phrases)
        start, final, loop = 0, 1, states
        fsg = FsgModel(name, self._grammar.get_logmath(), self._lw, states + 1)
        fsg.set_start_state(start)
        fsg.set_final_state(final)
        free, common = self._cost(1.0), self._cost(self._common_probability)
        for at, word, to in arcs:
            fsg.trans_add(at, to, free, fsg.word_add(word))
        for word in self._common:
            wid = fsg.word_add(word)
            fsg.trans_add(start, loop, common, wid)
            fsg.trans_add(loop, loop, common, wid)
        fsg.null_trans_add(loop, final, free)
        return fsg

    @property
    def _lw(self) -> float:
        return float(self._grammar.get_config()["lw"])

    def _cost(self, probability: float) -> int:
        """A transition probability in the grammar's scaled log units, as pocketsphinx reads FSG files."""
        return int(self._grammar.get_logmath().log(probability) * self._lw)

    def start(self) -> None:
        """Begin an utterance on both passes."""
        self._grammar.start_utt()
        self._free.start_utt()
        self._utterance = bytearray()

    def accept(self, pcm: bytes) -> None:
        """Decode more audio on both passes."""
        self._utterance += pcm
        self._grammar.process_raw(pcm)
        self._free.process_raw(pcm)

    def finish(self) -> Decoded:
        """End the utterance; the confidence is the best phone agreement with the free readings,
        or 1 for a one-word command that beats the free reading by MIN_MARGIN."""
        self._grammar.end_utt()
        self._free.end_utt()
        forced = self._grammar.hyp()
        text = self._forms.get(forced.hypstr) if forced is not None else None
        if text is None:
            # Common words (talk), or the search ran out of audio before a final state.
            return Decoded("", 0.0)
        free = self._free.hyp()
        heard = normalize(free.hypstr) if free is not None else ""
        clear = self._margin(forced, free) >= MIN_MARGIN
        word_alone = " " not in text and clear
        # One long word for a word alone is a misreading of it ("brazilian" for "resume").
        misread_word = word_alone and " " not in heard
        ours = self._phones(text)
        if len(self._phones(heard)) > MAX_EXTRA_PHONES * len(ours) and not misread_word:
            # The free reading heard clearly more than the command ("stop it", "hold on
            # tight"): talk that starts like a command, not the command on its own.
            return Decoded(text, 0.0)
        if word_alone:
            # A word alone that no ordinary English fits as well: its agreement says little.
            return Decoded(text, 1.0)
        readings = [heard] + [normalize(other.hypstr) for other in
                              itertools.islice(self._free.nbest(), FREE_READINGS) if other is not None]
        agreement = max(_agreement(ours, self._phones(reading)) for reading in readings)
        if agreement < FULL_AGREEMENT and not clear:
            # Ordinary English fits the audio about as well as the command: a near miss.
            return Decoded(text, 0.0)
        if heard and heard != text and self._alignment_lead(forced.hypstr, free.hypstr) < MIN_ALIGNMENT_LEAD:
            # Other words, said whole, fit the audio better than the phrase does.
            return Decoded(text, 0.0)
        return Decoded(text, agreement)

    def drop(self) -> None:
        """End the utterance on both passes, with none of finish's checks."""
        self._grammar.end_utt()
        self._free.end_utt()
        self._utterance = bytearray()

    def _alignment_lead(self, ours: str, heard: str) -> float:
        """Per frame, how much better the utterance aligns with the words `ours` than with `heard`.

        The grammar decoder aligns the utterance's audio with each reading in turn
        (pocketsphinx's forced alignment), then listens with its grammar again.
        """
        if not all(self._know(word) for word in heard.split()):
            return float("inf")
        audio = bytes(self._utterance)
        try:
            lead = self._aligned(ours, audio) - self._aligned(heard, audio)
        finally:
            self._grammar.activate_search(self._searches[self._phrases][0])
        return lead / max(self._grammar.n_frames(), 1)

    def _aligned(self, words: str, audio: bytes) -> float:
        """The score of `audio` forced onto `words` (-inf when it cannot be)."""
        self._grammar.set_align_text(words)
        self._grammar.start_utt()
        self._grammar.process_raw(audio, full_utt=True)
        self._grammar.end_utt()
        aligned = self._grammar.hyp()
        return self._grammar.get_logmath().log(aligned.score) if aligned is not None else float("-inf")

    def _margin(self, forced, free) -> float:  # noqa: ANN001 - Hypotheses, imported lazily
        """Per frame, how much better the command's path scored than the free reading."""
        if free is None:
            return float("inf")
        ours = self._grammar.get_logmath().log(forced.score)
        theirs = self._free.get_logmath().log(free.score)
        return (ours - theirs) / max(self._grammar.n_frames(), 1)

    def _pronounce(self, word: str) -> str | None:
        return self._grammar.lookup_word(word) or self._free.lookup_word(word) or EXTRA_PRONUNCIATIONS.get(word)

    def _learn_rare(self, words: Iterable[str]) -> None:
        """Put words the language model does not know (a stretch's name, say) in the grammar's dictionary.

        The free pass's dictionary holds only the language model's words; the model's full
        dictionary is read again for the few others, once per grammar."""
        rare = {word for word in words if not self._pronounce(word)}
        if not rare:
            return
        for line in self._dictionary.read_text(encoding="utf-8").splitlines():
            word, _, phones = line.partition(" ")
            if word.split("(")[0] in rare:
                self._grammar.add_word(word, phones.strip(), False)

    def _know(self, word: str) -> bool:
        """Put `word` and its other pronunciations ("the(2)") in the grammar's dictionary; False if it has none."""
        if self._grammar.lookup_word(word):
            return True
        phones = self._pronounce(word)
        if phones is None:
            return False
        # Without a search to rebuild yet, words go in without `update`; a grammar added later sees them.
        self._grammar.add_word(word, phones, False)
        for variant in itertools.count(2):
            other = self._pronounce(f"{word}({variant})")
            if other is None:
                break
            self._grammar.add_word(f"{word}({variant})", other, False)
        return True

    def _phones(self, text: str) -> list[str]:
        phones: list[str] = []
        for word in text.split():
            phones += (self._pronounce(word) or "").split()
        return phones

    def close(self) -> None:
        """Drop the decoders; idempotent."""
        if not self._closed:
            self._closed = True
            del self._grammar, self._free


@contextlib.contextmanager
def _language_model_words(dictionary: Path, language_model: Path) -> Iterator[Path]:
    """A temporary dictionary of the words `language_model` knows, all their pronunciations.

    The free pass can only read words its language model knows, and the wheel's dictionary
    holds 134,860 entries of which 79,426 are such words: the others cost 9 MB of PSS for
    nothing. Making it takes 0.2 s when the recognizer starts."""
    from pocketsphinx import Config, LogMath, NGramModel

    model = NGramModel(Config(), LogMath(), str(language_model))
    unknown = model.prob(["<unknown word>"])
    lines = dictionary.read_text(encoding="utf-8").splitlines()
    known = [line for line in lines if model.prob([line.split(" ", 1)[0].split("(")[0]]) != unknown]
    del model
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".dict", prefix="footstretch-lm-") as file:
        file.write("\n".join(known) + "\n")
        file.flush()
        yield Path(file.name)


def word_graph(phrases: Iterable[list[str]]) -> tuple[list[tuple[int, str, int]], int]:
    """The phrases as the smallest word graph that says each of them and nothing else: (arcs, states).

    Each arc is (from, word, to); state 0 is the start, 1 the end. Phrases that begin or end
    alike share their states ("start ankle circles" and "begin ankle circles" share "ankle
    circles"), and every arc is free, so each phrase costs what it did on a path of its own.
    The default routine's 1,481 spoken forms take 624 arcs instead of 6,565: pocketsphinx builds
    phone models for every arc, and the graph's search took 31 MB where it now takes a few.
    """
    trie: dict = {}
    for words in phrases:
        node = trie
        for word in words[:-1]:
            node = node.setdefault(("on", word), {})
        node[("end", words[-1])] = None
    states: dict[tuple, int] = {}
    arcs: list[tuple[int, str, int]] = []

    def number(node: dict, at: int | None = None) -> int:
        """The state of `node`, shared by every node with the same phrases after it."""
        ways = tuple(sorted((kind, word, number(child) if child is not None else 1)
                            for (kind, word), child in node.items()))
        if at is None and ways in states:
            return states[ways]
        state = at if at is not None else len(states) + 2
        states[ways] = state
        arcs.extend((state, word, to) for _, word, to in ways)
        return state

    number(trie, at=0)
    return arcs, len(states) + 1


def talk_words() -> list[str]:
    """The language model's 3000 likeliest words, likeliest first (made by scripts/make_talk_words.py)."""
    text = resources.files(__package__).joinpath("talk_words.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _agreement(ours: list[str], theirs: list[str]) -> float:
    """How alike two readings' phones are, 0..1."""
    if not ours or not theirs:
        return 0.0
    return difflib.SequenceMatcher(None, ours, theirs, autojunk=False).ratio()
