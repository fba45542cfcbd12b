"""A piece of mono 16-bit audio and its sample rate, plus WAV reading and writing."""

from __future__ import annotations

import wave
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
        try:
            with wave.open(str(path), "rb") as source:
                width, channels = source.getsampwidth(), source.getnchannels()
                rate, frames = source.getframerate(), source.readframes(source.getnframes())
        except FileNotFoundError:
            raise InputError(f"{path}: file not found") from None
        except (OSError, EOFError, wave.Error) as error:
            raise InputError(f"{path}: not a readable WAV file ({error})") from None
        if width != 2:
            raise InputError(f"{path}: expected 16-bit PCM, got {8 * width}-bit")
        samples = np.frombuffer(frames, dtype="<i2").astype(np.int16)
        if channels > 1:
            samples = samples[: len(samples) // channels * channels].reshape(-1, channels)
            samples = samples.mean(axis=1).round().astype(np.int16)
        return cls(samples, rate)
