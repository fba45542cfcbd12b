"""Reading processes from /proc, for the service benchmark and its runner."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    """The process ids of `pid`'s children (of every one of its threads)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def kb_field(path: Path, name: str) -> int:
    """The kB figure of a `Name:   1234 kB` line in a /proc file (status, smaps_rollup)."""
    return next(int(line.split()[1]) for line in path.read_text().splitlines() if line.startswith(f"{name}:"))
