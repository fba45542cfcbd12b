"""The speech models `footstretch models` can fetch, and where they are installed."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.download import archive_suffix, fetch_verified, unpack_archive_atomically
from assistant.errors import InputError
from assistant.paths import is_file_name
from assistant.speech.listener import data_dir


@dataclass(frozen=True)
class ModelSource:
    """One downloadable model: its name, archive URL and pinned sha256."""

    name: str
    url: str
    sha256: str
    size: int
    """Archive size in bytes, to tell the person what they are about to fetch."""


# alphacephei.com publishes no checksums; this sha256 (41,205,931 bytes) is the one
# independent installers pin for this archive (for example numen's install-model.sh,
# an Arch PKGBUILD and several apps' model manifests), and it agrees across all of them.
MODELS = {
    "vosk-model-small-en-us-0.15": ModelSource(
        name="vosk-model-small-en-us-0.15",
        url="https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
        sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        size=41_205_931,
    ),
}

MANIFEST_ENV = "FOOTSTRETCH_MODEL_MANIFEST"
"""A JSON file {name: {url, sha256, size}} that replaces the built-in list (mirrors, tests)."""


def available() -> dict[str, ModelSource]:
    """The models that can be fetched: the built-in list, or the manifest named by the environment."""
    manifest = os.environ.get(MANIFEST_ENV)
    if not manifest:
        return dict(MODELS)
    try:
        entries = json.loads(Path(manifest).read_text(encoding="utf-8"))
        sources = {name: ModelSource(name, e["url"], e["sha256"], int(e.get("size", 0))) for name, e in entries.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(f"{manifest}: not a usable model manifest ({error})") from error
    for name, source in sources.items():
        if not is_file_name(name):
            raise InputError(f"{manifest}: model name {name!r} is not a plain file name")
        archive_suffix(source.url)
    return sources


def installed(root: Path | None = None) -> list[str]:
    """Names of the models installed under `root` (default: the data dir)."""
    root = root or data_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def fetch(name: str, root: Path | None = None, progress=None) -> Path:  # noqa: ANN001 - Progress callable
    """Download, verify and install model `name` under `root`; return its directory."""
    sources = available()
    if name not in sources:
        raise InputError(f"unknown model {name!r}; known: {', '.join(sorted(sources))}")
    source = sources[name]
    root = root or data_dir()
    archive = root / f".{name}{archive_suffix(source.url)}"
    fetch_verified(source.url, source.sha256, archive, progress=progress)
    target = unpack_archive_atomically(archive, root / name)
    archive.unlink(missing_ok=True)
    return target
