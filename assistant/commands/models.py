"""`footstretch models list|fetch NAME`: the speech models, and fetching vosk's."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `models` sub-command."""
    parser = subparsers.add_parser("models", help="list or fetch speech models")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="the models directory itself (default: models/ in the data dir, $FOOTSTRETCH_DATA_DIR or ~/.local/share/footstretch)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show fetchable and installed models")
    fetch = actions.add_parser("fetch", help="download, verify and install a model")
    fetch.add_argument("name")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List models or fetch one."""
    from assistant.speech import models

    if args.action == "list":
        have = set(models.installed(args.data_dir))
        for name, source in sorted(models.available().items()):
            state = "installed" if name in have else f"not installed ({source.size / 1e6:.0f} MB)"
            print(f"{name}\t{state}")
        print("pocketsphinx-en-us\tinstalled (ships with pocketsphinx)")
        return 0
    target = models.fetch(args.name, args.data_dir, progress=_progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"installed {args.name} in {target}")
    return 0


def _progress(done: int, total: int | None) -> None:
    shown = f"{done / total:.0%}" if total else f"{done / 1e6:.1f} MB"
    print(f"\r{shown}", end="", file=sys.stderr, flush=True)
