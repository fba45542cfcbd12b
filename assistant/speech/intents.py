"""Text to intent: the one parser shared by speech, `simulate --event` and tests.

A command is the *whole* utterance: "pause" is a command, "pause the movie" is
not. Each intent accepts the natural phrasings people use; filler such as
"okay", "please" or "now" around a phrase is ignored. The same phrase table
feeds the recognizers' grammars, so what can be heard is exactly what can be
understood.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.routine import Routine

INTENTS = (
    "start_routine",
    "start_stretch",
    "pause",
    "resume",
    "next",
    "previous",
    "repeat",
    "stop",
    "time_left",
    "whats_next",
    "help",
    "pain",
)

PHRASES: dict[str, tuple[str, ...]] = {
    "start_routine": (
        "start my foot stretches", "start my stretches", "start the stretches",
        "start foot stretches", "start the foot stretches", "start stretching",
        "start the routine", "start my routine", "begin my stretches",
        "begin the stretches", "let's do my stretches", "let's do my foot stretches",
        "let's start", "let's begin", "start", "begin", "foot stretches",
        "start again", "start over", "begin my foot stretches", "begin the foot stretches",
        "begin stretching", "let's start stretching", "let's start my stretches",
        "let's start my foot stretches", "let's start the stretches", "let's begin my stretches",
        "let's do the stretches", "let's do the foot stretches", "let's stretch",
        "i want to do my stretches", "i want to start",
    ),
    "pause": (
        "pause", "wait", "hold on", "hang on", "one moment", "just a moment",
        "wait a moment", "wait a second", "wait a minute", "give me a moment",
        "give me a minute", "give me a second", "pause it", "pause please",
        "pause the stretch", "pause the stretches", "stop for a moment",
    ),
    "resume": (
        "continue", "resume", "keep going", "go on", "carry on", "i'm ready",
        "ready", "unpause", "let's continue", "let's go", "go ahead", "okay go",
        "yes continue", "continue please", "start again from here",
    ),
    "next": (
        "skip", "next", "next one", "next stretch", "skip this", "skip this one",
        "skip it", "skip that", "move on", "skip this stretch", "the next one",
    ),
    "previous": (
        "go back", "back", "previous", "previous stretch", "previous one",
        "the one before", "back one", "last stretch", "go back one",
    ),
    "repeat": (
        "repeat", "repeat that", "say that again", "say again", "pardon",
        "come again", "what did you say", "again please", "repeat please",
        "sorry what", "one more time",
    ),
    "stop": (
        "stop", "i'm done", "cancel", "that's enough", "finish", "quit",
        "stop the stretches", "stop stretching", "stop the routine", "enough",
        "i'm finished", "end the routine", "stop now", "no more", "i want to stop",
    ),
    "time_left": (
        "how much time is left", "how much time left", "how much longer",
        "how long left", "time left", "how long is left", "how many seconds",
        "how many seconds left", "how long to go", "how much longer to go",
        "how much is left",
    ),
    "whats_next": (
        "what's next", "what comes next", "what is after this", "what's after this",
        "what's the next one", "what's the next stretch", "which one is next",
    ),
    "help": (
        "help", "what can i say", "what can you do", "help me", "commands",
        "what are the commands", "how does this work",
    ),
    "pain": (
        "ouch", "ow", "that hurts", "it hurts", "ouch that hurts", "this hurts",
        "too much", "that's too much", "it's painful", "that's painful", "owww",
        "my back hurts", "ow ow",
    ),
}

NOT_LISTENED_FOR = frozenset({"ow", "owww", "ow ow", "what did you say", "go on", "stretch my heel"})
"""Understood typed, never listened for. "ow" is a vowel away from "oh" and "hello", which open
talk all the time ("Oh, I forgot", "Hello? Hello?"): over the long talk benchmark they were half
of the false commands from piper's voice. Pain is heard as "ouch", "that hurts", "too much".
"what did you say" is what a partner or a TV asks all the time, and a phone away from "what did
she say", which all three readings of the long talk heard as it; "repeat", "say that again",
"come again" and "pardon" ask for a prompt again. "go on" opens talk all the time ("Go on, read it
out"), and a comma's pause is often longer than the quiet a command must be followed by: over the
long talk, listening as the coach does while paused, two such lines in both of piper's readings
were 4 of its 6 false commands. The coach asks for "continue", and "carry on" and "keep going"
are heard too. "stretch my heel" is what espeak-ng's reading of the article's heading "Stretch 01."
was heard as, idle and listening for everything (benchmarks/README-recognition.md); "stretch my
heels" and "do the heel stretch" are heard."""

STRETCH_VERBS = ("start", "begin", "do", "let's do", "go to", "start with", "switch to", "let's start",
                 "i want to do")

POLITE_BEFORE = ("okay", "please", "can you", "could you")
"""What people say before a command ("okay pause", "could you repeat that"), some of the fillers
`normalize` drops. Typed, they are dropped; heard, a recognizer holds the whole utterance to a
grammar path, so each command but a stretch's (its verbs are enough) is also listened for with one
of them before it. "can you" and "could you" only go before what asks for an action (`_ASKS`).
A word after a command is not listened for: "please" and "now" there let near misses in
("repeat after me" as "repeat that please"; benchmarks/README-recognition.md)."""
_ASKS = frozenset({"start_routine", "pause", "resume", "next", "previous", "repeat", "stop", "help"})

_CONTRACTIONS = {
    "what's": "what is", "that's": "that is", "it's": "it is", "let's": "let us",
    "i'm": "i am", "don't": "do not", "can't": "cannot", "you're": "you are",
}
_FILLERS_BEFORE = ("okay", "ok", "alright", "all right", "please", "um", "uh", "hey", "so",
                   "now", "and", "coach", "footstretch", "foot stretch", "can you", "could you")
_FILLERS_AFTER = ("please", "now", "thanks", "thank you", "okay", "ok", "coach")


@dataclass(frozen=True)
class Intent:
    """What the person asked for, with the stretch id for `start_stretch`."""

    name: str
    stretch: str | None = None
    text: str = field(default="", compare=False)
    """The words it was parsed from, for the timeline."""

    @property
    def slots(self) -> dict[str, str]:
        """The slots as the timeline and `recognize --json` print them."""
        return {"stretch": self.stretch} if self.stretch else {}


def normalize(text: str) -> str:
    """Lower-case, expand contractions, drop punctuation and filler words."""
    words = text.lower().replace("’", "'")
    words = re.sub(r"[^a-z' ]+", " ", words)
    tokens = [_CONTRACTIONS.get(token, token) for token in words.split()]
    phrase = " ".join(token.strip("'") for token in tokens if token.strip("'"))
    changed = True
    while changed and phrase:
        changed = False
        for filler in _FILLERS_BEFORE:
            if phrase.startswith(filler + " "):
                phrase, changed = phrase[len(filler) + 1:], True
        for filler in _FILLERS_AFTER:
            if phrase.endswith(" " + filler):
                phrase, changed = phrase[: -len(filler) - 1], True
    return phrase


def spoken_forms(phrases: Iterable[str]) -> dict[str, str]:
    """Each normalized phrase as it may be said, mapped back to the phrase: "what is next" is
    said "what's next" as often as not, and a recognizer held to the expanded words hears the
    contraction worse than the talk it is meant to beat."""
    forms: dict[str, str] = {}
    for phrase in phrases:
        said = {phrase}
        for contraction, expansion in _CONTRACTIONS.items():
            said |= {re.sub(rf"\b{expansion}\b", contraction, form) for form in said}
        forms.update(dict.fromkeys(sorted(said), phrase))
    return forms


class IntentParser:
    """Maps a whole utterance to an `Intent`, or to nothing when it is not a command."""

    def __init__(self, routine: Routine) -> None:
        self._table: dict[str, Intent] = {}
        self._bare_names: set[str] = set()
        for name, phrases in PHRASES.items():
            for phrase in phrases:
                self._table.setdefault(normalize(phrase), Intent(name))
        for stretch in routine.stretches:
            for alias in (stretch.name, *stretch.aliases):
                bare = alias.removeprefix("the ")
                self._bare_names |= {normalize(bare), normalize(f"the {bare}")}
                for form in _stretch_forms(alias):
                    self._table.setdefault(normalize(form), Intent("start_stretch", stretch.id))

    def parse(self, text: str) -> Intent | None:
        """The intent of `text`, or None when it is not exactly a command."""
        phrase = normalize(text)
        found = self._table.get(phrase)
        if found is None:
            return None
        return Intent(found.name, found.stretch, text=text)

    def phrases(self) -> dict[str, Intent]:
        """Every normalized phrase this parser accepts."""
        return dict(self._table)

    def spoken_phrases(self) -> dict[str, Intent]:
        """The phrases the recognizers listen for: all but a stretch's bare name and NOT_LISTENED_FOR,
        each also with the words people say before it (`POLITE_BEFORE`).

        Typed, "towel stretch" can only mean the stretch. Heard, a bare name is
        mostly a piece of other talk ("... stretching with a towel ..."), and
        it was most of the false commands from prose read aloud; spoken, a
        stretch is asked for with a verb: "do the towel stretch", or in a name
        that is a request itself: "stretch my toes".
        """
        spoken: dict[str, Intent] = {}
        for phrase, intent in self._table.items():
            if phrase in NOT_LISTENED_FOR:
                continue
            if intent.name == "start_stretch":
                if phrase not in self._bare_names or phrase.split()[0] in _REQUESTS:
                    spoken[phrase] = intent
                continue
            spoken[phrase] = intent
            before = POLITE_BEFORE if intent.name in _ASKS else POLITE_BEFORE[:2]
            for word in before:
                spoken.setdefault(f"{word} {phrase}", intent)
        return spoken


_REQUESTS = frozenset({"stretch", "walk", "circle", "massage"})
"""A stretch's name that starts with one of these is a request in itself ("stretch my toes")."""


def _stretch_forms(alias: str) -> list[str]:
    bare = alias.removeprefix("the ")
    forms = [bare, f"the {bare}"]
    for verb in STRETCH_VERBS:
        forms += [f"{verb} {bare}", f"{verb} the {bare}"]
    return forms
