"""Settings: frozen dataclasses read from TOML, validated at start."""

from __future__ import annotations

from assistant.routine import Routine, default_routine, load_routine


def load_routine_option(path: str | None) -> Routine:
    """The routine named on the command line, or the packaged one."""
    return load_routine(path) if path else default_routine()
