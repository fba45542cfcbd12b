"""A piece of mono 16-bit audio and its sample rate, plus WAV reading and writing."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import InputError


@dataclass(frozen=True, eq=False)
class Audio:
    """Mono int16 samples at `rate` Hz; the array is read-only so a clip can be shared."""

    samples: np.ndarray
    rate: int

    def __post_init__(self) -> None:
        samples = np.asarray(self.samples)
        if samples.dtype != np.int16 or samples.ndim != 1:
            raise ValueError(f"audio must be 1-D int16, not {samples.ndim}-D {samples.dtype}")
        if self.rate <= 0:
            raise ValueError(f"sample rate must be positive, not {self.rate}")
        view = samples.view()
        view.flags.writeable = False
        object.__setattr__(self, "samples", view)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate

    def resampled(self, rate: int) -> "Audio":
        """The same sound at another sample rate (soxr, high quality)."""
        if rate == self.rate:
            return self
        if len(self.samples) == 0:
            return Audio(self.samples, rate)
        import soxr

        converted = soxr.resample(self.samples, self.rate, rate, quality="HQ")
        return Audio(np.asarray(converted, dtype=np.int16), rate)

    def write_wav(self, path: str | Path) -> Path:
        """Write a 16-bit mono WAV file."""
        path = Path(path)
        # wave.open(path) leaves a half-built writer behind when the file cannot be created.
        with open(path, "wb") as file, wave.open(file, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.rate)
            out.writeframes(self.samples.astype("<i2", copy=False).tobytes())
        return path

    @classmethod
    def read_wav(cls, path: str | Path) -> "Audio":
        """Read a 16-bit PCM WAV file; stereo is mixed down to mono."""
        with open_wav(path) as source:
            width, channels, rate = source.getsampwidth(), source.getnchannels(), source.getframerate()
            if width != 2:
                raise InputError(f"{path}: expected 16-bit PCM, got {8 * width}-bit")
            frames = _read(source, path, source.getnframes())
        samples = np.frombuffer(frames, dtype="<i2").astype(np.int16)
        if channels > 1:
            samples = samples[: len(samples) // channels * channels].reshape(-1, channels)
            samples = samples.mean(axis=1).round().astype(np.int16)
        return cls(samples, rate)


_PCM = {1: ("u1", 128.0, 128.0), 2: ("<i2", 0.0, 32768.0), 4: ("<i4", 0.0, 2147483648.0)}
"""Sample width in bytes: numpy type, offset of silence, full scale."""
MAX_WAV_RATE = 384_000
MAX_WAV_CHANNELS = 32
"""A header that claims a higher rate or more channels is damaged (and would make one block huge)."""


@contextmanager
def open_wav(path: str | Path) -> Iterator[wave.Wave_read]:
    """A PCM WAV file open for reading, its header checked; `InputError` when it is not one."""
    try:
        source = wave.open(str(path), "rb")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, EOFError, wave.Error) as error:
        raise InputError(f"{path}: not a readable WAV file ({getattr(error, 'strerror', None) or error})") from None
    with source:
        rate, channels, width = source.getframerate(), source.getnchannels(), source.getsampwidth()
        if not 1 <= rate <= MAX_WAV_RATE or not 1 <= channels <= MAX_WAV_CHANNELS:
            raise InputError(f"{path}: a damaged WAV header ({rate} Hz, {channels} channels)")
        if width not in _PCM:
            raise InputError(f"{path}: {8 * width}-bit WAV is not supported (use 8, 16 or 32-bit PCM)")
        yield source


def _read(source: wave.Wave_read, path: str | Path, frames: int) -> bytes:
    try:
        return source.readframes(frames)
    except (OSError, EOFError, wave.Error) as error:
        raise InputError(f"{path}: not a readable WAV file ({error})") from None


def wav_blocks(path: str | Path, rate: int, block: int) -> Iterator[np.ndarray]:
    """Any PCM WAV (8, 16 or 32-bit, any channel count and rate) as mono int16 blocks of `block` samples at `rate`.

    The file is read a block at a time, so memory stays the same whatever its
    length; the last block may be shorter.
    """
    import soxr

    with open_wav(path) as source:
        channels, width, source_rate = source.getnchannels(), source.getsampwidth(), source.getframerate()
        dtype, offset, scale = _PCM[width]
        resampler = soxr.ResampleStream(source_rate, rate, 1, dtype="float32") if source_rate != rate else None
        pending = np.zeros(0, dtype=np.int16)
        step = max(1, round(block * source_rate / rate))
        while True:
            raw = _read(source, path, step)
            last = len(raw) < step * channels * width
            samples = (np.frombuffer(raw[: len(raw) // (channels * width) * channels * width], dtype=dtype)
                       .astype(np.float32) - offset) / scale
            mono = samples.reshape(-1, channels).mean(axis=1)
            if resampler is not None:
                mono = resampler.resample_chunk(mono.astype(np.float32), last=last)
            pcm = np.clip(np.round(mono * 32767), -32768, 32767).astype(np.int16)
            pending = np.concatenate([pending, pcm])
            while len(pending) >= block:
                yield pending[:block]
                pending = pending[block:]
            if last:
                break
        if len(pending):
            yield pending
