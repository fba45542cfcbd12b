"""`footstretch simulate`: the coach on a virtual clock, printing the timeline."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assistant.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `simulate` sub-command."""
    parser = subparsers.add_parser(
        "simulate",
        help="run the coach on a virtual clock and print the timeline",
        description=(
            "Run the coach instantly on a virtual clock. TEXT goes through the same "
            "parser as speech; GESTURE (press, long, double) through the button logic."
        ),
    )
    parser.add_argument("--event", action="append", default=[], metavar="SECONDS:TEXT",
                        help="say TEXT at SECONDS (repeatable)")
    parser.add_argument("--button", action="append", default=[], metavar="SECONDS:GESTURE",
                        help="press the button at SECONDS: press, long or double (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--routine", metavar="FILE", help="a routine TOML file of your own")
    parser.set_defaults(func=run)


def parse_inputs(events: list[str], buttons: list[str]) -> list:
    """Turn `--event` and `--button` values into scripted inputs."""
    from assistant.coach.messages import Gesture
    from assistant.arguments import timed_value
    from assistant.simulate import ScriptedInput

    inputs = [ScriptedInput(at, text=text) for at, text in (timed_value(e, "--event") for e in events)]
    for spec in buttons:
        at, name = timed_value(spec, "--button")
        try:
            gesture = Gesture(name.lower())
        except ValueError:
            raise InputError(f"--button {spec!r}: gesture must be press, long or double") from None
        inputs.append(ScriptedInput(at, gesture=gesture))
    return inputs


def format_record(record: dict[str, Any]) -> str:
    """One timeline record as a line a person can read."""
    details = " ".join(
        f"{key}={value}" for key, value in record.items()
        if key not in ("t", "type", "text") and value not in (None, "", [], {})
    )
    text = f" {record['text']!r}" if record.get("text") else ""
    return f"{record['t']:9.3f}  {record['type']:<13}{text} {details}".rstrip()


def run(args: argparse.Namespace) -> int:
    """Run the simulation and print its timeline."""
    from assistant.config import load_routine_option
    from assistant.simulate import run_simulation
    from assistant.timeline import Timeline, json_lines

    routine = load_routine_option(args.routine)
    inputs = parse_inputs(args.event, args.button)
    if args.json:
        sink = json_lines(sys.stdout)
    else:
        def sink(record: dict[str, Any]) -> None:
            print(format_record(record))
    run_simulation(routine, inputs, Timeline(0.0, sink))
    return 0
