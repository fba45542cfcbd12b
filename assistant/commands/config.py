"""`footstretch config example|check`: the documented defaults, and validating a file."""

from __future__ import annotations

import argparse
import dataclasses


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `config` sub-command."""
    parser = subparsers.add_parser("config", help="print the example config or check one")
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    example = actions.add_parser("example", help="print the documented example config")
    example.set_defaults(func=run_example)
    check = actions.add_parser("check", help="validate the config and print the settings in effect")
    check.add_argument("--config", metavar="FILE", help="the config file (default: the usual places)")
    check.set_defaults(func=run_check)


def run_example(args: argparse.Namespace) -> int:
    """Print the example config."""
    from assistant.config import example_config

    print(example_config(), end="")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Validate the config (and the routine it names) and print what is in effect."""
    from assistant.config import check_settings, load_settings

    settings = load_settings(args.config)
    check_settings(settings)
    print(f"# settings from {settings.source}: valid")
    for section in dataclasses.fields(settings):
        value = getattr(settings, section.name)
        if not dataclasses.is_dataclass(value):
            continue
        print(f"[{section.name}]")
        for item in dataclasses.fields(value):
            print(f"{item.name} = {getattr(value, item.name)!r}")
    return 0
