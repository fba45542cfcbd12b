"""`footstretch run`: the always-on service (what systemd starts), or the same service on a virtual card.

`--virtual-card DIR` is a public contract that outside checks rely on: the
microphone hears `DIR/capture.raw` live (16 kHz mono s16le, from its end as it
is when the microphone opens, then whatever is appended; silence while nothing
new comes), the speaker writes `DIR/playback.raw` in the same format as it
plays, both paced to `--speed` times real time, and the pins are gpiozero's
mock pins. State and cache follow `XDG_STATE_HOME` / `XDG_CACHE_HOME`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from assistant.arguments import number_in


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` sub-command."""
    parser = subparsers.add_parser(
        "run", help="run the service: listen, coach, show the LED (what systemd starts)"
    )
    parser.add_argument("--config", metavar="FILE", help="the config file (default: the usual places)")
    parser.add_argument("--virtual-card", type=Path, metavar="DIR",
                        help="hear DIR/capture.raw and play into DIR/playback.raw (16 kHz mono s16le), "
                             "with mock pins, instead of the real sound card and GPIO")
    parser.add_argument("--speed", type=number_in(0.5, 50), default=1.0, metavar="N",
                        help="with --virtual-card: run N times faster than real time (default 1)")
    parser.add_argument("--timeline", type=Path, metavar="FILE",
                        help="write the timeline as JSON lines to FILE, flushed line by line")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load and check the config, then run until stopped."""
    import asyncio
    import contextlib
    import dataclasses
    import logging

    from assistant.errors import InputError

    if args.speed != 1.0 and args.virtual_card is None:
        raise InputError("--speed needs --virtual-card: a real sound card plays at its own pace")
    card = None
    if args.virtual_card is not None:
        from assistant.audio.virtual_card import make_live_card

        try:
            card = make_live_card(args.virtual_card)
        except OSError as error:
            raise InputError(f"--virtual-card {args.virtual_card}: {error.strerror or error}") from None
        card.activate()

    from assistant.config import load_settings, speech_model_error
    from assistant.errors import ModelError
    from assistant.notify import JournalFormatter, stderr_is_journal
    from assistant.service import Places, RunOptions, Service
    from assistant.timeline import json_lines

    if stderr_is_journal():
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JournalFormatter("%(name)s: %(message)s"))
    settings = load_settings(args.config)
    routine = settings.load_routine()
    options = RunOptions(speed=args.speed)
    if card is not None:
        # The virtual card is both devices, whatever the config names.
        settings = dataclasses.replace(
            settings, audio=dataclasses.replace(settings.audio, input_device="", output_device=""))
        options = _virtual_card_options(options, card)
    try:
        with contextlib.ExitStack() as stack:
            if args.timeline is not None:
                options = dataclasses.replace(options, sinks=(json_lines(stack.enter_context(_open_timeline(args.timeline))),))
            return asyncio.run(Service(settings, routine, Places.default(), options).run())
    except ModelError as error:
        # The recognizer could not start, and with backend = "auto" it would have fallen back.
        if settings.speech.backend == "vosk":
            raise speech_model_error(settings, error) from None
        raise


def _virtual_card_options(options, card):  # noqa: ANN001, ANN202 - RunOptions, VirtualCard, imported lazily
    """Paced audio, the live capture file as the microphone, and mock pins."""
    import dataclasses
    import functools

    from gpiozero.pins.mock import MockFactory, MockPWMPin

    from assistant.audio.virtual_card import LiveCapture

    return dataclasses.replace(
        options, pace_audio=True, pin_factory=MockFactory(pin_class=MockPWMPin),
        open_microphone=functools.partial(LiveCapture, card.capture),
    )


def _open_timeline(path: Path) -> TextIO:
    """The file `--timeline` names, open for writing."""
    from assistant.errors import InputError

    try:
        return open(path, "w", encoding="utf-8")  # noqa: SIM115 - the caller closes it
    except OSError as error:
        raise InputError(f"--timeline {path}: {error.strerror or error}") from None
