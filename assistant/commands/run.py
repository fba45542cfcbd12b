"""`footstretch run`: the always-on service (what systemd starts)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` sub-command."""
    parser = subparsers.add_parser(
        "run", help="run the service: listen, coach, show the LED (what systemd starts)"
    )
    parser.add_argument("--config", metavar="FILE", help="the config file (default: the usual places)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load and check the config, then run until stopped."""
    import asyncio
    import logging

    from assistant.config import load_settings, speech_model_error
    from assistant.errors import ModelError
    from assistant.notify import JournalFormatter, stderr_is_journal
    from assistant.service import Places, Service

    if stderr_is_journal():
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JournalFormatter("%(name)s: %(message)s"))
    settings = load_settings(args.config)
    routine = settings.load_routine()
    try:
        return asyncio.run(Service(settings, routine, Places.default()).run())
    except ModelError as error:
        # The recognizer could not start, and with backend = "auto" it would have fallen back.
        if settings.speech.backend == "vosk":
            raise speech_model_error(settings, error) from None
        raise
