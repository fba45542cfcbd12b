"""Reading TOML files so that every complaint can name the file, key and line.

`tomllib` reports syntax errors with a line but forgets where keys live once
parsed, so `TomlFile.line_of` finds them again in the source text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")


@dataclass(frozen=True)
class TomlFile:
    """A parsed TOML document together with its source, for error messages."""

    path: str
    text: str
    data: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path) -> "TomlFile":
        """Read and parse `path`, turning every failure into a `ConfigError`."""
        try:
            text = Path(path).read_text(encoding="utf-8")
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
        return cls(path=path, text=text, data=data)

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
