"""`footstretch recognize FILE.wav`: print the commands heard in a recording."""

from __future__ import annotations

import argparse
import json
import wave
from pathlib import Path

from assistant.errors import InputError


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


def read_audio(path: Path):  # noqa: ANN201 - numpy is imported lazily
    """Read any PCM WAV as 16 kHz mono int16, resampling and mixing down as needed."""
    import numpy as np
    import soxr

    from assistant.speech.vad import RATE

    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as error:
        raise InputError(f"{path} is not a WAV file ({error})") from error
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from error
    kinds = {1: ("u1", 128.0, 128.0), 2: ("<i2", 0.0, 32768.0), 4: ("<i4", 0.0, 2147483648.0)}
    if width not in kinds:
        raise InputError(f"{path}: {8 * width}-bit WAV is not supported (use 8, 16 or 32-bit PCM)")
    dtype, offset, scale = kinds[width]
    samples = (np.frombuffer(raw, dtype=dtype).astype(np.float32) - offset) / scale
    mono = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    if rate != RATE:
        mono = soxr.resample(mono, rate, RATE)
    return np.clip(np.round(mono * 32767), -32768, 32767).astype(np.int16)


def run(args: argparse.Namespace) -> int:
    """Decode the file in real-time-sized blocks and print each command heard."""
    from assistant.speech.listener import open_listener

    audio = read_audio(args.file)
    with open_listener(args.backend, args.model, strictness=args.strictness) as listener:
        heard = []
        for offset in range(0, len(audio), 1600):
            heard += listener.feed(audio[offset: offset + 1600])
        heard += listener.flush()
    for command in heard:
        if args.json:
            print(json.dumps({
                "text": command.text, "intent": command.intent.name, "slots": command.intent.slots,
                "start": command.start, "end": command.end, "confidence": command.confidence,
            }))
        else:
            slots = "".join(f" {k}={v}" for k, v in command.intent.slots.items())
            print(f"{command.start:7.2f}-{command.end:7.2f}  {command.intent.name}{slots}  \"{command.text}\"  ({command.confidence:.2f})")
    return 0
