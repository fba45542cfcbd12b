"""Reading TOML files so that every complaint can name the file, key and line.

`tomllib` reports syntax errors with a line but forgets where keys live once
parsed, so `TomlFile.line_of` finds them again in the source text.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")
MAX_BYTES = 1 << 20
"""A config or routine is a few kilobytes; a larger file is a mistake, not something to read whole."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline: never meant, and raw on a terminal they act."""


@dataclass(frozen=True)
class TomlFile:
    """A parsed TOML document together with its source, for error messages."""

    path: str
    text: str
    data: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path) -> "TomlFile":
        """Read and parse `path`, turning every failure into a `ConfigError`.

        Only a regular file of at most `MAX_BYTES` is read: a FIFO would block,
        and `/dev/zero` never ends.
        """
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise ConfigError(f"{path}: not a regular file")
            with open(path, "rb") as file:
                data = file.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise ConfigError(f"{path}: larger than {MAX_BYTES // 1024} KiB, so not a footstretch file")
            text = data.decode("utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: file not found") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot be read ({error})") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, path: str = "<string>") -> "TomlFile":
        """Parse TOML source, naming `path` and the line in any syntax error."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        except RecursionError:
            raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
        doc = cls(path=path, text=text, data=data)
        doc._check_characters()
        return doc

    def _check_characters(self) -> None:
        """Reject control characters in any key or string, naming where the first one is."""
        for table, key, index, value in _leaves(self.data):
            found = _CONTROL.search(key + (value if isinstance(value, str) else ""))
            if found:
                raise self.error(table, key, f"holds the control character {found.group()!r}", index)

    def line_of(self, table: str | None, key: str | None = None, index: int = 0) -> int | None:
        """Line number (1-based) of `key` inside the `index`-th `[table]`/`[[table]]`.

        With `table=None` the key is looked for before the first header; with
        `key=None` the header's own line is returned.
        """
        seen = -1
        inside = table is None
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                if inside and seen >= index:
                    return None
                inside = header.group(1) == table
                if inside:
                    seen += 1
                    if key is None and seen == index:
                        return number
                continue
            if inside and key is not None and (table is None or seen == index):
                if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
                    return number
        return None

    def error(self, table: str | None, key: str | None, reason: str, index: int = 0) -> ConfigError:
        """A `ConfigError` naming the file, the key, its line and the reason."""
        line = self.line_of(table, key, index)
        where = f"{self.path}:{line}" if line else self.path
        name = ".".join(part for part in (table, key) if part)
        if table and index:
            name = f"{table}[{index + 1}]" + (f".{key}" if key else "")
        return ConfigError(f"{where}: {name or 'file'}: {reason}")


def _leaves(data: dict[str, Any]) -> Iterator[tuple[str | None, str, int, Any]]:
    """(table, key, index in an array of tables, value) of every value, strings inside lists included."""
    for name, value in data.items():
        if isinstance(value, dict):
            yield from ((name, key, 0, item) for key, item in _flat(value))
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for index, table in enumerate(value):
                yield from ((name, key, index, item) for key, item in _flat(table))
        else:
            yield from ((None, name, 0, item) for _, item in _flat({name: value}))


def _flat(table: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key, value) of a table, each nested table's and list's values under the top-level key."""
    for key, value in table.items():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack += [*item.keys(), *item.values()]
            elif isinstance(item, list):
                stack += item
            else:
                yield key, item
