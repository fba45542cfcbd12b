"""Running `footstretch` as a careless or hostile person would, with every cost measured.

`footstretch(...)` runs the command in a process of its own, in a home whose XDG
directories are all inside `root`, and reports how it ended, what it printed,
its peak memory and whether it was cut off.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
LIMIT_MB = 300
"""The most any bad input may cost."""
LIMIT_SECONDS = 10
"""How long it may take to say what is wrong (start-up of the interpreter included)."""
_HOME_FOLDERS = ("home", "config", "cache", "state", "data")
OWN_FOLDERS = tuple(f"{folder}/footstretch" for folder in _HOME_FOLDERS[1:])
"""Where footstretch may write in such a home: its own config, cache, state and data folders."""


@dataclass(frozen=True)
class Outcome:
    """How one command ended."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    """Peak resident memory of the command's process."""
    seconds: float

    @property
    def clear(self) -> bool:
        """Ended by itself with a message of its own: no traceback, within the memory and time allowed."""
        return ("Traceback" not in self.stderr and self.peak_mb <= LIMIT_MB
                and self.seconds <= LIMIT_SECONDS and self.returncode in (0, 1, 2, 78))


def home_environment(root: Path) -> dict[str, str]:
    """An environment whose home and XDG directories all lie under `root`, with no session of its own."""
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"
           and not key.startswith(("XDG_", "PULSE_", "FOOTSTRETCH_", "STATE_DIRECTORY", "CACHE_DIRECTORY"))}
    for name, sub in zip(("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"),
                         _HOME_FOLDERS):
        (root / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(root / sub)
    env["PYTHONPATH"] = str(ROOT)
    return env


_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "assistant", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""
"""Runs the command as its child and writes its exit code and peak memory. The kernel carries a
process's peak memory across fork and exec, so the command must come from this small process,
not from the test process, whose own memory it would otherwise report."""


def footstretch(root: Path, *args: str, timeout: float = 60) -> Outcome:
    """Run `footstretch ARGS` in `root`'s home and measure it; killed after `timeout` seconds."""
    started = time.monotonic()
    report = root / "outcome"
    report.unlink(missing_ok=True)
    launcher = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(report), *args], env=home_environment(root),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        start_new_session=True,
    )
    try:
        stdout, stderr = launcher.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(launcher.pid, signal.SIGKILL)
        stdout, stderr = launcher.communicate()
    code, peak = report.read_text().split() if report.exists() else ("-9", "0")
    return Outcome(int(code), stdout, stderr, int(peak) / 1024, time.monotonic() - started)


def files_outside(root: Path, allowed: tuple[str, ...]) -> list[str]:
    """Every file or directory under `root` that is not the home's own folders nor in one of the `allowed` sub-paths."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if relative in _HOME_FOLDERS + ("outcome",):
            continue
        if not any(relative == place or relative.startswith(place + "/") or place.startswith(relative + "/")
                   for place in allowed):
            found.append(relative)
    return sorted(found)
