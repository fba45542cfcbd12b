"""Prompts rendered once and kept on disk, so starting one costs a file read.

Every sentence the routine can say is known in advance. `prepare` renders
those not rendered yet (in a worker thread, at install or first start) and
removes the ones no longer needed. Entries live in one directory per voice and
speech settings ("profile"), named by a hash of the text, so a changed
routine, voice or setting re-renders exactly what changed.

An entry is a small header (magic, format, rate, sample count, CRC-32, text
length), the text itself, then the 16-bit samples. A truncated or damaged
entry fails those checks, is deleted and rendered again; it is never played.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.clip import Audio
from assistant.speech.tts import Voice

logger = logging.getLogger(__name__)

FORMAT = 1
_MAGIC = b"FSPC"
_HEADER = struct.Struct("<4sHIIII")  # magic, format, rate, samples, crc32 of samples, text bytes
_SUFFIX = ".pcm"


def default_cache_dir() -> Path:
    """`prompts/` in the cache directory (systemd's `CacheDirectory=`, else the XDG cache)."""
    from assistant.paths import cache_dir

    return cache_dir() / "prompts"


def normalize(text: str) -> str:
    """The text as the cache keys it: surrounding and repeated whitespace do not matter."""
    return " ".join(text.split())


@dataclass(frozen=True)
class PrepareResult:
    """What `prepare` did."""

    rendered: int
    """Sentences synthesized now."""
    kept: int
    """Sentences already in the cache and intact."""
    removed: int
    """Entries deleted because no listed sentence needs them any more."""


class PromptCache:
    """Rendered prompts of one voice at one speaking speed, in `directory`."""

    def __init__(self, voice: Voice, directory: Path | None = None, *, length_scale: float = 1.0) -> None:
        self.voice = voice
        self.length_scale = length_scale
        profile = json.dumps(
            {"format": FORMAT, "voice": voice.name, "fingerprint": voice.fingerprint, "length_scale": length_scale},
            sort_keys=True,
        )
        tag = hashlib.sha256(profile.encode()).hexdigest()[:12]
        self.directory = (directory or default_cache_dir()) / f"{voice.name}-{tag}"

    def path_for(self, text: str) -> Path:
        """The file that holds `text` once rendered."""
        key = hashlib.sha256(normalize(text).encode()).hexdigest()[:32]
        return self.directory / f"{key}{_SUFFIX}"

    def get(self, text: str) -> Audio | None:
        """The cached audio of `text`, or None when absent or damaged (a damaged entry is deleted)."""
        path = self.path_for(text)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        audio = _decode(data, normalize(text))
        if audio is None:
            logger.warning("prompt cache entry %s is damaged; rendering it again", path.name)
            path.unlink(missing_ok=True)
        return audio

    def audio(self, text: str) -> Audio:
        """`text` from the cache, or synthesized now (and stored) on a miss; blocking, call off the loop."""
        cached = self.get(text)
        if cached is not None:
            return cached
        return self._render(text)

    def prepare(
        self,
        texts: Iterable[str],
        *,
        stop: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> PrepareResult:
        """Render every sentence of `texts` not cached yet, and drop entries none of them needs.

        `stop` ends the work early (at shutdown); `progress(done, total)` is called per sentence.
        """
        wanted = list(dict.fromkeys(normalize(text) for text in texts if text.strip()))
        rendered = kept = 0
        for done, text in enumerate(wanted, start=1):
            if stop is not None and stop.is_set():
                break
            if self.get(text) is None:
                self._render(text)
                rendered += 1
            else:
                kept += 1
            if progress is not None:
                progress(done, len(wanted))
        removed = 0
        if stop is None or not stop.is_set():
            removed = self._remove_all_but({self.path_for(text).name for text in wanted})
        logger.info("prompt cache: %d rendered, %d kept, %d removed", rendered, kept, removed)
        return PrepareResult(rendered=rendered, kept=kept, removed=removed)

    def size_bytes(self) -> int:
        """Bytes on disk used by this voice and setting's entries."""
        if not self.directory.is_dir():
            return 0
        return sum(path.stat().st_size for path in self.directory.glob(f"*{_SUFFIX}"))

    def _render(self, text: str) -> Audio:
        audio = self.voice.synthesize(text, length_scale=self.length_scale)
        self._store(normalize(text), audio)
        return audio

    def _store(self, text: str, audio: Audio) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        pcm = audio.samples.astype("<i2", copy=False).tobytes()
        encoded = text.encode()
        header = _HEADER.pack(_MAGIC, FORMAT, audio.rate, len(audio.samples), zlib.crc32(pcm), len(encoded))
        # Write beside the target and rename, so a reader never sees half an entry;
        # a power cut can still leave a short file, which the checks in _decode catch.
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header + encoded + pcm)
            os.replace(temporary, self.path_for(text))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _remove_all_but(self, keep: set[str]) -> int:
        if not self.directory.is_dir():
            return 0
        # Only finished entries: a ".tmp" file may be another thread's write in progress.
        stale = [path for path in self.directory.glob(f"*{_SUFFIX}") if path.name not in keep]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


def _decode(data: bytes, text: str) -> Audio | None:
    if len(data) < _HEADER.size:
        return None
    magic, version, rate, count, crc, text_length = _HEADER.unpack_from(data)
    start = _HEADER.size + text_length
    if magic != _MAGIC or version != FORMAT or rate == 0 or len(data) != start + 2 * count:
        return None
    if data[_HEADER.size : start] != text.encode():
        return None
    pcm = memoryview(data)[start:]
    if zlib.crc32(pcm) != crc:
        return None
    return Audio(np.frombuffer(pcm, dtype="<i2").astype(np.int16, copy=False), rate)
