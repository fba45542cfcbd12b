"""The timeline: every action and input as a JSON line with the time since start."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TextIO

from assistant.coach.messages import Action


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def to_record(action: Action, t: float) -> dict[str, Any]:
    """One timeline record: `{"t": seconds, "type": ..., **fields}`."""
    fields = {field.name: _plain(getattr(action, field.name)) for field in dataclasses.fields(action)}
    return {"t": round(t, 3), "type": action.type, **fields}


class Timeline:
    """Turns actions into records relative to `origin` and hands them to sinks."""

    def __init__(self, origin: float, *sinks: Callable[[dict[str, Any]], None]) -> None:
        self.origin = origin
        self._sinks = list(sinks)

    def add_sink(self, sink: Callable[[dict[str, Any]], None]) -> None:
        """Also send future records to `sink`."""
        self._sinks.append(sink)

    def record(self, actions: Iterable[Action], now: float) -> None:
        """Record `actions`, all of which happened at `now`."""
        for action in actions:
            record = to_record(action, now - self.origin)
            for sink in self._sinks:
                sink(record)


def json_lines(stream: TextIO) -> Callable[[dict[str, Any]], None]:
    """A sink writing one JSON object per line to `stream`, flushed at once."""

    def write(record: dict[str, Any]) -> None:
        stream.write(json.dumps(record) + "\n")
        stream.flush()

    return write
