"""`footstretch say TEXT`: speak a sentence with the coach's voice, or write it to a WAV file."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `say` sub-command."""
    parser = subparsers.add_parser(
        "say",
        help="speak a sentence, or write it to a WAV file",
        description=(
            "Speak TEXT with the coach's piper voice, or write it to a WAV file with --out. "
            "Voice, rate, output device and loudness default to the config's."
        ),
    )
    parser.add_argument("text", metavar="TEXT", help="what to say")
    parser.add_argument("--voice", default=None, help="piper voice name (see footstretch voices list)")
    parser.add_argument(
        "--rate", type=float, default=None, metavar="R", help="speaking rate: 1 is normal, 0.8 is 20%% slower"
    )
    parser.add_argument("--out", type=Path, metavar="FILE.wav", help="write a WAV file instead of playing")
    parser.add_argument("--device", default=None, help="output device: part of its name, or its index")
    parser.add_argument("--volume", type=float, default=None, help="loudness from 0 to 1 (default: the config's)")
    parser.add_argument("--config", metavar="FILE", help="the config file (default: the usual places)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Synthesize the text, then write it or play it to the end."""
    from concurrent.futures import TimeoutError as Timeout

    from assistant.config import load_settings
    from assistant.errors import DeviceError, InputError
    from assistant.speech.tts import Voice, length_scale_for

    settings = load_settings(args.config)
    length_scale = length_scale_for(args.rate if args.rate is not None else settings.voice.rate)
    if args.volume is not None and not 0.0 <= args.volume <= 1.0:
        raise InputError(f"--volume must be between 0 and 1, not {args.volume}")
    if not args.text.strip():
        raise InputError("there is no text to say")
    voice = Voice.load(args.voice or settings.voice.name)
    audio = voice.synthesize(args.text, length_scale=length_scale)
    if args.out is not None:
        try:
            audio.write_wav(args.out)
        except OSError as error:
            raise InputError(f"cannot write {args.out}: {error.strerror or error}") from None
        return 0
    from assistant.audio import device_setting
    from assistant.audio.playback import Speaker, VolumePolicy

    policy = VolumePolicy.from_settings(settings.audio)
    if args.volume is not None:
        policy = VolumePolicy(args.volume, args.volume)
    device = device_setting(args.device if args.device is not None else settings.audio.output_device)
    with Speaker(device, volume=policy) as speaker:
        playback = speaker.play(audio)
        # Generous bound: a device that stops taking samples must not hang the command.
        try:
            playback.finished.result(timeout=playback.duration + 10)
        except Timeout:
            raise DeviceError(f"audio output {speaker.device_name} stopped taking samples") from None
    return 0
