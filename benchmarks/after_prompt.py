"""Commands said right as the coach finishes: heard with the listener told when the coach played, and without.

Run: .venv/bin/python -m benchmarks.after_prompt [--split tuning|held-out]

The coach's prompt comes back into the microphone 6 dB down; each command of
the split follows the end of that echo after GAPS seconds, in every reading of
the split but piper's own voice unchanged. The service tells the recognizer
which audio arrived while the coach played and for ECHO_TAIL_SECONDS after
(`echo_gate.EchoGate.coach_playing`); told nothing, the recognizer took the
echo for talk that a command must follow only after QUIET_BEFORE_SECONDS.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np

from assistant.echo_gate import ECHO_TAIL_SECONDS
from assistant.routine.model import default_routine
from assistant.speech.intents import IntentParser
from assistant.speech.listener import open_listener
from benchmarks import speechset

PROMPT = "Hold it there, and breathe."
GAPS = (0.15, 0.4)
ECHO_GAIN = 0.5
"""The echo is 6 dB below what the coach played."""
BLOCK = 160
PAUSE = 2.0
"""Seconds of quiet after each command, before the next prompt."""


def heard_after_prompt(split: speechset.Split, told: bool, gap: float) -> dict[str, list[bool]]:
    """Per voice family, for each command of `split`: heard as its own intent after the prompt's echo.

    Each reading is one stream: echo, command, PAUSE seconds of quiet, and again."""
    parser = IntentParser(default_routine())
    echo = (speechset.piper(PROMPT) * ECHO_GAIN).astype(np.int16)
    pause = np.zeros(int(PAUSE * speechset.RATE), np.int16)
    right: dict[str, list[bool]] = defaultdict(list)
    for label, speak in speechset.readers(split):
        if label == "piper x1.0":
            continue  # the coach's own voice, unchanged
        clips = []
        for text in split.commands:
            clips += [("echo", echo), (text, np.concatenate([speak(text), pause]))]
        audio, placed = speechset.scene(clips, gap=gap)
        audio = speechset.mix(audio, 30)
        played = [(spoken.start, spoken.end + ECHO_TAIL_SECONDS) for spoken in placed[0::2]]
        heard = []
        with open_listener("pocketsphinx") as listener:
            for offset in range(0, len(audio), BLOCK):
                at = offset / speechset.RATE
                coach = told and any(start <= at < until for start, until in played)
                heard += listener.feed(audio[offset: offset + BLOCK], coach=coach)
            heard += listener.flush()
        for spoken in placed[1::2]:
            during = [h for h in heard if spoken.start - 0.3 < h.end and h.start < spoken.start + 2.0]
            right[label.split()[0]].append([h.intent for h in during] == [parser.parse(spoken.text)])
    return right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", action="append", choices=("tuning", "held-out"))
    args = parser.parse_args()
    splits = speechset.splits()
    for name in args.split or ["tuning", "held-out"]:
        print(f"\n{name} split: commands said after the coach's echo ends")
        for gap in GAPS:
            for told in (False, True):
                cells = ", ".join(f"{family} {sum(ok)}/{len(ok)}"
                                  for family, ok in heard_after_prompt(splits[name], told, gap).items())
                print(f"  {gap:.2f} s after, {'told' if told else 'not told'} when the coach played: {cells}", flush=True)


if __name__ == "__main__":
    main()
