"""The voice manifest (`voices/manifest.toml`) and installing voices from it.

A voice is two files, `NAME.onnx` and `NAME.onnx.json`, in the voices
directory. Fetching downloads each with `assistant.download.fetch_verified`,
so a file is only installed when its pinned sha256 matches, and the config
goes first: a voice counts as installed only once its model is there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.download import Progress, fetch_verified
from assistant.errors import DownloadError, InputError
from assistant.paths import is_file_name
from assistant.tomlfile import TomlFile

MANIFEST = Path(__file__).resolve().parents[1] / "data" / "voices.toml"
"""The manifest; in the repository a link to voices/manifest.toml, in a wheel a copy of it."""

_FIELDS = ("name", "language", "quality", "licence", "url", "sha256", "config_url", "config_sha256")


@dataclass(frozen=True)
class VoiceEntry:
    """One voice the manifest knows: where its files are and how to check them."""

    name: str
    """Piper's name, `LANG_REGION-SPEAKER-QUALITY`."""
    language: str
    quality: str
    licence: str
    url: str
    """The `.onnx` model."""
    sha256: str
    """Pinned sha256 of the model; empty when nobody has pinned it yet."""
    config_url: str
    """The `.onnx.json` config."""
    config_sha256: str
    bundled: bool = False
    """Ships inside a Python package, so it never needs fetching."""

    @property
    def pinned(self) -> bool:
        """Both files have a checksum, so the voice can be fetched safely."""
        return bool(self.sha256 and self.config_sha256)


def default_voices_dir() -> Path:
    """Where fetched voices are installed: `voices/` in the data directory."""
    from assistant.paths import data_dir

    return data_dir() / "voices"


def load_manifest(path: Path = MANIFEST) -> dict[str, VoiceEntry]:
    """Read the manifest; a malformed entry is a `ConfigError` naming file, key and line."""
    doc = TomlFile.load(path)
    entries: dict[str, VoiceEntry] = {}
    voices = doc.data.get("voice", [])
    if not isinstance(voices, list):
        raise doc.error(None, "voice", "must be an array of [[voice]] tables")
    for index, table in enumerate(voices):
        values: dict[str, str] = {}
        for key in _FIELDS:
            value = table.get(key)
            if not isinstance(value, str):
                raise doc.error("voice", key, "missing or not a string", index)
            values[key] = value.strip()
        bundled = table.get("bundled", False)
        if not isinstance(bundled, bool):
            raise doc.error("voice", "bundled", "must be true or false", index)
        if not is_file_name(values["name"]):
            raise doc.error("voice", "name", f"{values['name']!r} is not a plain file name", index)
        if values["name"] in entries:
            raise doc.error("voice", "name", f"{values['name']} is listed twice", index)
        entries[values["name"]] = VoiceEntry(**values, bundled=bundled)
    return entries


def is_installed(name: str, voices_dir: Path) -> bool:
    """Both files of voice `name` are in `voices_dir`."""
    return (voices_dir / f"{name}.onnx").is_file() and (voices_dir / f"{name}.onnx.json").is_file()


def find_entry(name: str, manifest: dict[str, VoiceEntry]) -> VoiceEntry:
    """The manifest entry for `name`; `InputError` listing the known names otherwise."""
    entry = manifest.get(name)
    if entry is None:
        raise InputError(f"no voice called {name!r} in the manifest; known: {', '.join(sorted(manifest))}")
    return entry


def fetch_voice(
    entry: VoiceEntry,
    voices_dir: Path,
    *,
    progress: Progress | None = None,
    timeout: float = 30,
) -> Path:
    """Download and verify both files of `entry` into `voices_dir`; returns the model path."""
    if not entry.pinned:
        raise DownloadError(
            f"voice {entry.name} has no pinned sha256 in voices/manifest.toml, so it cannot be "
            "verified; copy the SHA256 shown on its Hugging Face file pages into the manifest first"
        )
    fetch_verified(entry.config_url, entry.config_sha256, voices_dir / f"{entry.name}.onnx.json", timeout=timeout)
    return fetch_verified(
        entry.url, entry.sha256, voices_dir / f"{entry.name}.onnx", progress=progress, timeout=timeout
    )
