"""Write assistant/speech/backends/talk_words.txt: the words strict hearing reads talk as.

The list is the wheel's own English language model's most likely words (its
unigrams), so it needs nothing but pocketsphinx. Run from the repository root:

    .venv/bin/python scripts/make_talk_words.py
"""

from __future__ import annotations

from pathlib import Path

from pocketsphinx import Config, LogMath, NGramModel, get_model_path

COUNT = 3000
"""How many words: on the tuning split, 3000 at a cost of 3e-4 each let a fifth as much
piper talk through as the 500-word hand list at 0.7 confidence, for 4 points of clean accuracy."""

OUT = Path(__file__).resolve().parent.parent / "assistant" / "speech" / "backends" / "talk_words.txt"


def ranked_words() -> list[str]:
    """The COUNT likeliest words of the language model that the dictionary can say, likeliest first."""
    base = Path(get_model_path()) / "en-us"
    model = NGramModel(Config(), LogMath(), str(base / "en-us.lm.bin"))
    words = set()
    for line in (base / "cmudict-en-us.dict").read_text().splitlines():
        word = line.split()[0]
        # Alternative pronunciations ("word(2)") and single letters (said as letter names) are not talk words.
        if "(" not in word and word.replace("'", "").isalpha() and (len(word) > 1 or word in ("a", "i")):
            words.add(word)
    return sorted(words, key=lambda w: (-model.prob([w]), w))[:COUNT]


def main() -> None:
    ranked = ranked_words()
    OUT.write_text(
        "# The most likely words of pocketsphinx's en-us language model, most likely first.\n"
        "# Made by scripts/make_talk_words.py; strict hearing reads talk as a run of these.\n"
        + "\n".join(ranked) + "\n"
    )
    print(f"wrote {len(ranked)} words to {OUT}")


if __name__ == "__main__":
    main()
