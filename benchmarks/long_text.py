"""Peak memory of `footstretch say` on long text with no punctuation, against the same text with commas.

    .venv/bin/python -m benchmarks.long_text

Piper is never given more than `tts.MAX_PIECE_CHARS` at once; before text was
cut between words, 2,000 characters with no punctuation peaked at 3.2 GB.
Each command runs in a fresh process and its own peak resident memory is read.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.careless import footstretch

SENTENCE = "the quick brown fox jumps"


def main() -> None:
    """Print the peak memory of each length and punctuation, and their ratio."""
    with tempfile.TemporaryDirectory(prefix="footstretch-long-text-") as scratch:
        root = Path(scratch)
        for words in (40, 400):
            bare = footstretch(root, "say", f"{SENTENCE} " * words, "--out", str(root / "bare.wav"), timeout=600)
            commas = footstretch(root, "say", f"{SENTENCE}, " * words, "--out", str(root / "commas.wav"), timeout=600)
            length = len(f"{SENTENCE} " * words)
            print(f"{length:6d} characters: no punctuation {bare.peak_mb:.0f} MB ({bare.seconds:.0f} s), "
                  f"with commas {commas.peak_mb:.0f} MB ({commas.seconds:.0f} s), "
                  f"ratio {bare.peak_mb / commas.peak_mb:.2f}")


if __name__ == "__main__":
    main()
