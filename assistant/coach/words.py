"""Numbers and durations as words, so every prompt reads naturally aloud."""

from __future__ import annotations

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """Spell a whole number from 0 to 9999 ("forty-five")."""
    if n < 0 or n > 9999:
        raise ValueError(f"cannot spell {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    tail = "" if not rest else (" and " if rest < 100 else " ") + number_words(rest)
    return f"{number_words(thousands)} thousand{tail}"


def seconds_words(seconds: float) -> str:
    """"thirty seconds", "one second"."""
    whole = max(0, round(seconds))
    return f"{number_words(whole)} second" + ("" if whole == 1 else "s")


def duration_words(seconds: float) -> str:
    """A friendly rounded duration: "about four minutes", "about forty seconds"."""
    rounded = max(5, int(5 * round(seconds / 5)))
    if rounded < 60:
        # Rounded first, so 58 s is "about a minute", never "about sixty seconds".
        return f"about {seconds_words(rounded)}"
    minutes = round(seconds / 60)
    if minutes == 1:
        return "about a minute"
    return f"about {number_words(minutes)} minutes"


def ordinal_count(n: int, total: int) -> str:
    """"two of three"."""
    return f"{number_words(n)} of {number_words(total)}"


def speech_seconds(text: str) -> float:
    """How long `text` takes to say at a calm pace (about 2.6 words a second).

    The coach plans the set-up time around this estimate: it never waits for
    the speaker, so the timeline stays the same with or without a voice.
    """
    return 0.4 + 0.38 * len(text.split())
