"""`footstretch recognize FILE.wav`: print the commands heard in a recording."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `recognize` sub-command."""
    parser = subparsers.add_parser("recognize", help="print the commands heard in a WAV file")
    parser.add_argument("file", type=Path, metavar="FILE.wav")
    parser.add_argument("--backend", choices=("auto", "vosk", "pocketsphinx"), default="auto")
    parser.add_argument("--model", type=Path, default=None, help="vosk model directory")
    parser.add_argument("--strictness", choices=("normal", "strict"), default="normal",
                        help="strict: act on less talk, miss more commands (as speech.strictness)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(func=run)


BLOCK = 1600
"""Samples read from the file and fed to the listener at a time (0.1 s)."""


def run(args: argparse.Namespace) -> int:
    """Decode the file a block at a time, as the service hears, and print each command as it is heard."""
    from assistant.audio.clip import open_wav, wav_blocks
    from assistant.speech.gate import GatedListener
    from assistant.speech.listener import open_listener
    from assistant.speech.vad import RATE

    with open_wav(args.file):
        pass  # a file that is not audio is refused before the recognizer loads
    with GatedListener(open_listener(args.backend, args.model, strictness=args.strictness)) as listener:
        for block in wav_blocks(args.file, RATE, BLOCK):
            _print(listener.feed(block), args.json)
        _print(listener.flush(), args.json)
    return 0


def _print(heard: list, as_json: bool) -> None:  # noqa: ANN001 - HeardCommand, imported lazily
    for command in heard:
        if as_json:
            print(json.dumps({
                "text": command.text, "intent": command.intent.name, "slots": command.intent.slots,
                "start": command.start, "end": command.end, "confidence": command.confidence,
            }))
        else:
            slots = "".join(f" {k}={v}" for k, v in command.intent.slots.items())
            print(f"{command.start:7.2f}-{command.end:7.2f}  {command.intent.name}{slots}  \"{command.text}\"  ({command.confidence:.2f})")
