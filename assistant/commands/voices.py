"""`footstretch voices list|fetch NAME|prepare`: the piper voices and the prompt cache."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.speech.voices import VoiceEntry


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `voices` sub-command and its three actions."""
    parser = subparsers.add_parser(
        "voices",
        help="list or fetch piper voices, fill the prompt cache",
        description="List the piper voices of the manifest, fetch one, or render every prompt into the cache.",
    )
    parser.add_argument("--manifest", type=Path, default=None, help="voice manifest (default: voices/manifest.toml)")
    parser.add_argument(
        "--voices-dir", type=Path, default=None, help="where voices are installed (default: DATA_DIR/voices)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show every voice and whether it is installed")
    fetch = actions.add_parser("fetch", help="download a voice and check its sha256")
    fetch.add_argument("name", metavar="NAME", help="voice name, e.g. en_US-ljspeech-medium")
    prepare = actions.add_parser("prepare", help="render every prompt of the routine into the cache")
    prepare.add_argument("--voice", default=None, help="piper voice name (default: the config's)")
    prepare.add_argument("--rate", type=float, default=None, metavar="R", help="speaking rate (default: the config's)")
    prepare.add_argument("--routine", type=Path, default=None, help="routine TOML file (default: the config's)")
    prepare.add_argument("--cache-dir", type=Path, default=None, help="prompt cache directory")
    prepare.add_argument("--config", metavar="FILE", help="the config file (default: the usual places)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Do the chosen action."""
    from assistant.speech import voices

    manifest_path = args.manifest or voices.MANIFEST
    voices_dir = args.voices_dir or voices.default_voices_dir()
    if args.action == "list":
        return _list(voices.load_manifest(manifest_path), voices_dir)
    if args.action == "fetch":
        entry = voices.find_entry(args.name, voices.load_manifest(manifest_path))
        path = voices.fetch_voice(entry, voices_dir, progress=_download_progress(entry.name))
        print(f"installed {entry.name} in {path.parent}")
        return 0
    return _prepare(args, voices_dir)


def _list(manifest: dict[str, VoiceEntry], voices_dir: Path) -> int:
    from assistant.speech.voices import is_installed

    rows = [("NAME", "LANGUAGE", "QUALITY", "STATUS", "LICENCE")]
    for entry in manifest.values():
        if is_installed(entry.name, voices_dir):
            status = "installed"
        elif entry.bundled:
            status = "bundled"
        elif entry.pinned:
            status = "available"
        else:
            status = "no checksum"
        rows.append((entry.name, entry.language, entry.quality, status, entry.licence))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    return 0


def _prepare(args: argparse.Namespace, voices_dir: Path) -> int:
    from assistant.coach.prompts import all_prompts
    from assistant.config import load_settings
    from assistant.routine import load_routine
    from assistant.speech.prompt_cache import PromptCache
    from assistant.speech.tts import Voice, length_scale_for

    settings = load_settings(args.config)
    length_scale = length_scale_for(args.rate if args.rate is not None else settings.voice.rate)
    # The config's routine carries its hold-time overrides, which change what is said.
    routine = load_routine(args.routine) if args.routine else settings.load_routine()
    voice = Voice.load(args.voice or settings.voice.name, voices_dir)
    cache = PromptCache(voice, args.cache_dir, length_scale=length_scale)
    result = cache.prepare(all_prompts(routine), progress=_prompt_progress)
    print(
        f"{cache.directory}: {result.rendered} rendered, {result.kept} already there, "
        f"{result.removed} removed; {cache.size_bytes() / 1e6:.1f} MB"
    )
    return 0


def _show(line: str, last: bool) -> None:
    # Progress is for a person watching; logs and pipes get only the final summary.
    if sys.stderr.isatty():
        print(f"\r{line}", end="\n" if last else "", file=sys.stderr, flush=True)


def _download_progress(name: str) -> Callable[[int, int | None], None]:
    def report(done: int, total: int | None) -> None:
        whole = f"/{total / 1e6:.1f}" if total else ""
        _show(f"{name}: {done / 1e6:.1f}{whole} MB", total is not None and done >= total)

    return report


def _prompt_progress(done: int, total: int) -> None:
    _show(f"prompts: {done}/{total}", done >= total)
