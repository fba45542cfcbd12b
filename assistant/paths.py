"""Where footstretch keeps its state, cache, data and config.

Under systemd the unit's `StateDirectory=`/`CacheDirectory=` set
`$STATE_DIRECTORY`/`$CACHE_DIRECTORY`; in a person's own shell the XDG base
directories apply. Nothing here creates a directory: whoever writes does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

APP = "footstretch"
SYSTEM_CONFIG = Path("/etc/footstretch/config.toml")
_FILE_NAME = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$")


def is_file_name(name: str) -> bool:
    """`name` is one plain file name (letters, digits, `_ - .`, not starting with a dot), so it stays in its directory."""
    return bool(_FILE_NAME.match(name)) and len(name) <= 255


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """History and other state: `$STATE_DIRECTORY`, else `$XDG_STATE_HOME/footstretch`, else ~/.local/state/footstretch."""
    env = os.environ if environ is None else environ
    return _systemd_dir(env, "STATE_DIRECTORY") or _xdg(env, "XDG_STATE_HOME", ".local/state")


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Rendered prompts and other rebuildable files: `$CACHE_DIRECTORY`, else XDG cache, else ~/.cache/footstretch."""
    env = os.environ if environ is None else environ
    return _systemd_dir(env, "CACHE_DIRECTORY") or _xdg(env, "XDG_CACHE_HOME", ".cache")


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Fetched models and voices: `$FOOTSTRETCH_DATA_DIR`, else XDG data, else ~/.local/share/footstretch."""
    env = os.environ if environ is None else environ
    explicit = env.get("FOOTSTRETCH_DATA_DIR", "")
    return Path(explicit) if explicit else _xdg(env, "XDG_DATA_HOME", ".local/share")


def config_paths(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Config files in the order they are looked for: the system one, then the person's own."""
    env = os.environ if environ is None else environ
    user = _xdg(env, "XDG_CONFIG_HOME", ".config") / "config.toml"
    return [SYSTEM_CONFIG, user]


def _systemd_dir(env: Mapping[str, str], name: str) -> Path | None:
    """The first directory of a systemd-set variable (it holds a colon-separated list when a unit names several)."""
    value = env.get(name, "")
    first = value.split(":", 1)[0]
    return Path(first) if first else None


def _xdg(env: Mapping[str, str], name: str, fallback: str) -> Path:
    """`$name/footstretch`, or `~/<fallback>/footstretch`; the XDG spec says a relative value is to be ignored."""
    base = env.get(name, "")
    if base and os.path.isabs(base):
        return Path(base) / APP
    home = env.get("HOME") or os.path.expanduser("~")
    return Path(home) / fallback / APP
