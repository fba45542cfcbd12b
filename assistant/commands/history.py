"""`footstretch history`: recent sessions and the streak of days."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.arguments import number_in

if TYPE_CHECKING:
    from assistant.history import Session


MAX_LIMIT = 100_000
"""More sessions than a person does in a lifetime of evenings."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `history` sub-command."""
    parser = subparsers.add_parser("history", help="show recent sessions and the streak of days")
    parser.add_argument("--limit", type=number_in(1, MAX_LIMIT, integer=True), default=10, metavar="N",
                        help=f"how many sessions to show, 1 to {MAX_LIMIT} (default 10)")
    parser.add_argument("--json", action="store_true", help="print the streak and sessions as one JSON document")
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        help="where the history lives (default: $STATE_DIRECTORY, else $XDG_STATE_HOME/footstretch, "
        "else ~/.local/state/footstretch; the installed service uses /var/lib/footstretch)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the history; it is only read, never written or created."""
    from assistant.history import History, history_path
    from assistant.paths import state_dir

    directory = Path(args.state_dir) if args.state_dir else state_dir()
    path = history_path(directory)
    with History(path, readonly=True) as history:
        sessions = history.recent(args.limit)
        streak = history.streak(date.today())
    if args.json:
        print(json.dumps({"file": str(path), "streak": streak, "sessions": [_as_json(s) for s in sessions]}, indent=2))
        return 0
    print(_streak_line(streak))
    if not sessions:
        print(f"No sessions yet in {path}.")
        return 0
    print()
    rows = [("Date", "Start", "Length", "Ended", "Stretches done")]
    rows += [_row(session) for session in sessions]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    return 0


def _streak_line(streak: int) -> str:
    """The streak said plainly."""
    if streak == 0:
        return "No streak yet: a session today starts one."
    return f"Streak: {streak} day{'s' if streak != 1 else ''} in a row."


def _row(session: Session) -> tuple[str, str, str, str, str]:
    """One table row: date, start time, length, how it ended, stretches done."""
    done = ", ".join(stretch.replace("_", " ") for stretch in session.stretches_done)
    count = len(session.stretches_done)
    return (
        session.started.strftime("%Y-%m-%d"),
        session.started.strftime("%H:%M"),
        _length(session.duration.total_seconds()) if session.duration is not None else "-",
        session.ending or "unfinished",
        f"{count}: {done}" if count else "0",
    )


def _length(seconds: float) -> str:
    """A duration as a person would say it: seconds under a minute, else whole minutes."""
    if seconds < 60:
        return f"{round(seconds)} s"
    return f"{round(seconds / 60)} min"


def _as_json(session: Session) -> dict[str, Any]:
    """A session as plain JSON values."""
    duration = session.duration
    return {
        "id": session.id,
        "started": session.started.isoformat(),
        "ended": session.ended.isoformat() if session.ended else None,
        "seconds": round(duration.total_seconds(), 3) if duration is not None else None,
        "paused_seconds": round(session.paused_seconds, 3),
        "mode": session.mode,
        "ending": session.ending,
        "stretches_done": list(session.stretches_done),
        "holds": session.holds,
        "skipped": list(session.skipped),
        "last_stretch": session.stretch,
        "last_side": session.side,
        "resumed_from": session.resumed_from,
    }
