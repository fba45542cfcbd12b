"""`footstretch routine show`: the stretches, their order and timings."""

from __future__ import annotations

import argparse
import dataclasses
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `routine` sub-command."""
    parser = subparsers.add_parser("routine", help="show the routine")
    actions = parser.add_subparsers(dest="routine_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="list the stretches with their timings")
    show.add_argument("--json", action="store_true", help="print the routine as JSON")
    show.add_argument("--routine", metavar="FILE", help="a routine TOML file of your own")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    """Print the routine."""
    from assistant.config import load_routine_option
    from assistant.simulate import routine_seconds

    routine = load_routine_option(args.routine)
    total = routine_seconds(routine)
    if args.json:
        print(json.dumps({
            "name": routine.name,
            "rest_seconds": routine.rest_seconds,
            "ready_seconds": routine.ready_seconds,
            "switch_seconds": routine.switch_seconds,
            "rep_rest_seconds": routine.rep_rest_seconds,
            "total_seconds": round(total, 3),
            "stretches": [dataclasses.asdict(stretch) for stretch in routine.stretches],
        }, indent=2))
        return 0
    print(f"{routine.name} (about {round(total / 60)} minutes)")
    for number, stretch in enumerate(routine.stretches, start=1):
        sides = "each side" if stretch.sides else "once"
        reps = f"{stretch.reps} rounds of " if stretch.reps > 1 else ""
        needs = f"; you need {', '.join(stretch.needs)}" if stretch.needs else ""
        print(f"{number}. {stretch.name} ({stretch.id}): {reps}{stretch.seconds:g} s, {sides}{needs}")
        print(f"   say: {', '.join(stretch.aliases)}")
    return 0
