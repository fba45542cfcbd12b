"""Stretch and Routine dataclasses, and loading them from TOML with clear errors."""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.tomlfile import TomlFile

STRETCH_IDS = (
    "toe_walk",
    "toe_stretch",
    "ankle_circles",
    "foot_massage",
    "towel_stretch",
    "heel_stretch",
)
SIDES = ("right", "left")
MAX_STRETCHES = 50
"""More stretches than any session of foot stretches needs; each one adds prompts to render."""
MAX_ROUTINE_SECONDS = 4 * 3600.0
"""The longest routine, by `Routine.longest_seconds`: well inside what the coach can say
("about two hundred and forty minutes") and the simulation's virtual day."""


@dataclass(frozen=True)
class Stretch:
    """One stretch: what it is called, how to get into it and how long to hold."""

    id: str
    """Stable identifier used in intents, the timeline and history."""
    name: str
    """What the coach calls it aloud ("the towel stretch")."""
    aliases: tuple[str, ...]
    """What a person might call it ("towel", "towel stretch")."""
    needs: tuple[str, ...]
    """Things to have at hand ("a tennis ball")."""
    position: str
    """How to get into position, said before the first hold."""
    sides: bool
    """True when done once per side, right first."""
    side_word: str
    """"foot" or "leg", used in "Now your left foot"."""
    reps: int
    """Rounds per side."""
    seconds: float
    """Hold or work time of each round."""
    setup_seconds: float
    """Time from the start of the instructions to "Ready?"."""
    cues: tuple[str, ...]
    """Said during the hold; the first at halfway, the rest spread after it."""
    switch: str
    """Said when changing to the left side; `{side}` becomes the side."""

    @property
    def side_names(self) -> tuple[str | None, ...]:
        """The sides in order, or `(None,)` when the stretch is not per side."""
        return SIDES if self.sides else (None,)


@dataclass(frozen=True)
class Routine:
    """The whole routine: stretches in order plus the gaps between them."""

    name: str
    stretches: tuple[Stretch, ...]
    rest_seconds: float
    """Rest between two stretches."""
    ready_seconds: float
    """From "Ready?" to "Starting now"."""
    switch_seconds: float
    """Time to change sides."""
    rep_rest_seconds: float
    """Rest between rounds on the same side."""
    finish: str
    """Said when the whole routine is done."""

    def stretch(self, stretch_id: str) -> Stretch:
        """The stretch with this id; `KeyError` when there is none."""
        for stretch in self.stretches:
            if stretch.id == stretch_id:
                return stretch
        raise KeyError(stretch_id)

    def index_of(self, stretch_id: str) -> int:
        """Position of the stretch in the routine."""
        return [s.id for s in self.stretches].index(stretch_id)

    @property
    def longest_seconds(self) -> float:
        """A generous bound on how long the routine takes without pauses."""
        per_round = self.ready_seconds + max(self.switch_seconds, self.rep_rest_seconds, 10) + 10
        return sum(
            max(s.setup_seconds, 30) + self.rest_seconds + len(s.side_names) * s.reps * (s.seconds + per_round)
            for s in self.stretches
        )

    def too_long(self) -> str | None:
        """Why the routine is longer than a routine can be, or None."""
        if len(self.stretches) > MAX_STRETCHES:
            return f"has {len(self.stretches)} stretches; a routine holds at most {MAX_STRETCHES}"
        if self.longest_seconds > MAX_ROUTINE_SECONDS:
            return (f"could take up to {self.longest_seconds / 60:.0f} minutes; "
                    f"a routine takes at most {MAX_ROUTINE_SECONDS / 60:.0f}")
        return None


_ROUTINE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "rest_seconds": (int, float),
    "ready_seconds": (int, float),
    "switch_seconds": (int, float),
    "rep_rest_seconds": (int, float),
    "finish": str,
}
_STRETCH_KEYS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "name": str,
    "aliases": list,
    "needs": list,
    "position": str,
    "sides": bool,
    "side_word": str,
    "reps": int,
    "seconds": (int, float),
    "setup_seconds": (int, float),
    "cues": list,
    "switch": str,
}
_LIMITS = {
    "seconds": (1, 600),
    "setup_seconds": (0, 120),
    "reps": (1, 20),
    "rest_seconds": (0, 300),
    "ready_seconds": (0, 60),
    "switch_seconds": (0, 120),
    "rep_rest_seconds": (0, 120),
}


def _check_table(doc: TomlFile, table: str, values: Any, spec: dict, index: int = 0) -> None:
    if not isinstance(values, dict):
        raise doc.error(table, None, "must be a table", index)
    for key in values:
        if key not in spec:
            allowed = ", ".join(spec)
            raise doc.error(table, key, f"unknown key (allowed: {allowed})", index)
    for key, kind in spec.items():
        if key not in values:
            raise doc.error(table, None, f"missing key '{key}'", index)
        value = values[key]
        if not isinstance(value, kind) or (kind != bool and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "number"
            raise doc.error(table, key, f"must be a {names}, not {value!r}", index)
        if isinstance(value, list) and not all(isinstance(item, str) and item for item in value):
            raise doc.error(table, key, "must be a list of non-empty strings", index)
        if key in _LIMITS:
            low, high = _LIMITS[key]
            if not low <= value <= high:
                raise doc.error(table, key, f"must be between {low} and {high}, not {value}", index)


def parse_routine(doc: TomlFile) -> Routine:
    """Validate a parsed routine document and build the `Routine`."""
    data = doc.data
    for key in data:
        if key not in ("routine", "stretch"):
            raise doc.error(None, key, "unknown key (allowed: [routine], [[stretch]])")
    if "routine" not in data:
        raise doc.error(None, None, "missing the [routine] table")
    _check_table(doc, "routine", data["routine"], _ROUTINE_KEYS)
    raw_stretches = data.get("stretch")
    if not isinstance(raw_stretches, list) or not raw_stretches:
        raise doc.error(None, None, "needs at least one [[stretch]] table")
    stretches = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_stretches):
        _check_table(doc, "stretch", raw, _STRETCH_KEYS, index)
        if raw["id"] in seen:
            raise doc.error("stretch", "id", f"'{raw['id']}' is used twice", index)
        if not raw["id"].isidentifier():
            raise doc.error("stretch", "id", "must be letters, digits and _ only", index)
        if raw["side_word"] not in ("foot", "leg"):
            raise doc.error("stretch", "side_word", "must be 'foot' or 'leg'", index)
        if raw["sides"] and "{side}" not in raw["switch"]:
            raise doc.error("stretch", "switch", "must say {side} for a per-side stretch", index)
        _check_template(doc, raw["switch"], index)
        seen.add(raw["id"])
        stretches.append(
            Stretch(
                id=raw["id"],
                name=raw["name"],
                aliases=tuple(raw["aliases"]),
                needs=tuple(raw["needs"]),
                position=raw["position"],
                sides=raw["sides"],
                side_word=raw["side_word"],
                reps=raw["reps"],
                seconds=float(raw["seconds"]),
                setup_seconds=float(raw["setup_seconds"]),
                cues=tuple(raw["cues"]),
                switch=raw["switch"],
            )
        )
    top = data["routine"]
    routine = Routine(
        name=top["name"],
        stretches=tuple(stretches),
        rest_seconds=float(top["rest_seconds"]),
        ready_seconds=float(top["ready_seconds"]),
        switch_seconds=float(top["switch_seconds"]),
        rep_rest_seconds=float(top["rep_rest_seconds"]),
        finish=top["finish"],
    )
    problem = routine.too_long()
    if problem:
        raise doc.error(None, None, f"the routine {problem}")
    return routine


def _check_template(doc: TomlFile, template: str, index: int) -> None:
    """A `switch` text may name only `{side}`: anything else would crash the coach at the switch, or say nonsense."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
                  if name is not None]
    except ValueError as error:
        problem = str(error)
    else:
        problem = next((f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
                        for name, spec, conversion in fields if (name, spec, conversion) != ("side", "", None)), "")
    if problem:
        raise doc.error(
            "stretch", "switch", f"is not a usable text ({problem}): it may name only {{side}}, and a brace "
            "is written {{ or }}", index,
        )


def load_routine(path: str | Path) -> Routine:
    """Load a person's own routine file; a malformed one raises `ConfigError`."""
    return parse_routine(TomlFile.load(path))


def default_routine() -> Routine:
    """The packaged six-stretch routine."""
    text = resources.files("assistant.routine").joinpath("default.toml").read_text("utf-8")
    return parse_routine(TomlFile.parse(text, "default.toml"))
