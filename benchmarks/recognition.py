"""Recognition figures: accuracy by SNR, false commands per hour of talk, latency, CPU.

Run: .venv/bin/python -m benchmarks.recognition [--quick]
The dev set is synthesized here (piper + espeak-ng voices, pink "fan" noise).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from assistant.routine.model import default_routine
from assistant.speech.intents import IntentParser
from assistant.speech.listener import open_listener
from benchmarks import speechset

COMMANDS = ("pause", "what's next", "skip this one", "ouch", "go back", "how much longer",
            "start the towel stretch", "i'm ready", "stop", "help", "wait a second", "next",
            "continue", "that hurts", "time left", "repeat that", "start my stretches", "do the toe walk")
SNRS = (None, 20, 10, 5)
BLOCK = 480


def _voices(quick: bool) -> list[tuple[str, object]]:
    voices: list[tuple[str, object]] = [("piper", speechset.piper)]
    for label, kw in list(speechset.speakers())[: 2 if quick else None]:
        voices.append((label, lambda text, kw=kw: speechset.espeak(text, **kw)))
    return voices


def _run(listener, audio: np.ndarray) -> list:
    heard = []
    for offset in range(0, len(audio), BLOCK):
        heard += listener.feed(audio[offset: offset + BLOCK])
    return heard + listener.flush()


def accuracy(backend: str, quick: bool) -> dict:
    """Share of commands heard as their own intent, per SNR."""
    parser = IntentParser(default_routine())
    results = {}
    clips = [(label, text, speak(text)) for label, speak in _voices(quick) for text in COMMANDS]
    with open_listener(backend) as listener:
        for snr in SNRS:
            right = 0
            for index, (_, text, audio) in enumerate(clips):
                padded, _ = speechset.scene([(text, audio)], gap=0.6)
                heard = _run(listener, speechset.mix(padded, snr, seed=index))
                expected = parser.parse(text)
                right += len(heard) == 1 and heard[0].intent == expected
                listener.reset()
            results[snr] = right / len(clips)
    return results


def false_commands(backend: str, quick: bool) -> tuple[float, float, float]:
    """False commands per hour over the article and near misses read aloud; and CPU s per s of it."""
    talk = speechset.sentences(speechset.article()) + list(speechset.NEAR_MISSES)
    clips = [(s, speak(s)) for _, speak in _voices(quick)[: 2 if quick else 3] for s in talk]
    audio, _ = speechset.scene(clips, gap=0.6)
    audio = speechset.mix(audio, 30)
    with open_listener(backend) as listener:
        started = time.process_time()
        heard = _run(listener, audio)
        cpu = time.process_time() - started
    hours = len(audio) / speechset.RATE / 3600
    return len(heard) / hours, hours * 60, cpu / (hours * 3600)


def silence_cpu(backend: str) -> float:
    """CPU seconds per second of audio while listening to a quiet room (fan at low level)."""
    room = (speechset.pink_noise(60) * 30).astype(np.int16)
    with open_listener(backend) as listener:
        started = time.process_time()
        _run(listener, room)
        return (time.process_time() - started) / 60


def latency(backend: str) -> float:
    """Median seconds from the true end of speech to the command, audio fed at real-time pace."""
    delays = []
    with open_listener(backend) as listener:
        for text in COMMANDS:
            audio, placed = speechset.scene([(text, speechset.piper(text))], gap=1.0)
            audio = speechset.mix(audio, 30)
            began = time.monotonic()
            for offset in range(0, len(audio), BLOCK):
                due = began + offset / speechset.RATE
                time.sleep(max(0.0, due - time.monotonic()))
                if listener.feed(audio[offset: offset + BLOCK]):
                    # Block `offset` arrives once it has been fully spoken.
                    now = time.monotonic() - began
                    delays.append(now - placed[0].end)
                    break
            listener.reset()
    return statistics.median(delays) if delays else float("nan")


def main() -> None:
    """Print the table for each backend that loads here."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer voices, for a fast look")
    parser.add_argument("--backend", action="append", choices=("pocketsphinx", "vosk"))
    args = parser.parse_args()
    for backend in args.backend or ["pocketsphinx", "vosk"]:
        try:
            open_listener(backend).close()
        except Exception as error:  # noqa: BLE001 - a missing model only skips its row
            print(f"{backend}: not available ({error})")
            continue
        acc = accuracy(backend, args.quick)
        per_hour, minutes, talk_cpu = false_commands(backend, args.quick)
        print(f"\n{backend}")
        print("  accuracy  " + "  ".join(f"{'clean' if s is None else f'{s} dB'}: {acc[s]:.0%}" for s in SNRS))
        print(f"  false commands: {per_hour:.1f}/hour over {minutes:.1f} min of talk")
        print(f"  latency (median, end of speech to intent): {latency(backend) * 1000:.0f} ms")
        print(f"  CPU s per s of audio: silence {silence_cpu(backend):.3f}, talk {talk_cpu:.3f}")


if __name__ == "__main__":
    main()
