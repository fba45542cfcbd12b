"""Recognition figures: accuracy by SNR and with a TV on, false commands per hour of talk, latency, CPU.

Run: .venv/bin/python -m benchmarks.recognition [--split tuning|held-out] [--backend pocketsphinx] [--strictness strict] [--min-confidence X] [--latency-only] [--accuracy-only] [--suppressor rnnoise|spectral|none]
The dev set is synthesized here (piper + espeak-ng voices, pink "fan" noise); see
benchmarks/speechset.py for the two splits. Figures are printed per voice family,
because espeak-ng's formant voices are much further from real speech than piper's.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from assistant.audio.capture import BLOCK_SECONDS
from assistant.coach.machine import listening_in
from assistant.coach.messages import State
from assistant.routine.model import default_routine
from assistant.speech.intents import IntentParser
from assistant.speech.denoise import NoiseSuppressor
from assistant.speech.gate import GatedListener
from assistant.speech.listener import STRICTNESS, HeardCommand, open_listener, open_suppressor
from benchmarks import speechset

Listen = Callable[[], GatedListener]
"""Opens a fresh listener of the backend under test."""

CONDITIONS = {"clean": (None, "fan"), "20 dB": (20, "fan"), "10 dB": (10, "fan"), "5 dB": (5, "fan"),
              "TV 10 dB": (10, "tv")}
"""Accuracy is measured clean, with a fan at these SNRs, and with two people talking on a TV 10 dB below."""
BLOCK = int(BLOCK_SECONDS * speechset.RATE)
"""Samples fed at a time: what the microphone hands over."""
TALK_SNR = 30
COMMAND_GAP = 2.0
TALK_GAP = 0.6


def _run(listener: GatedListener, audio: np.ndarray) -> list:
    heard = []
    for offset in range(0, len(audio), BLOCK):
        heard += listener.feed(audio[offset: offset + BLOCK])
    return heard + listener.flush()


def _family(label: str) -> str:
    return label.split()[0]


def accuracy(listen: Listen, split: speechset.Split) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Per voice family and condition (CONDITIONS), the share of commands heard once, as their own intent; and what was missed.

    Each reading of the split's commands is one stream, COMMAND_GAP seconds apart,
    with the fan running the whole time, as it does in a bedroom: noise that only
    surrounds each command would hide an endpointer that never hears the end of
    an utterance in steady noise.
    """
    parser = IntentParser(default_routine())
    right: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    missed: list[str] = []
    for label, speak in speechset.readers(split):
        clips = [(text, speak(text)) for text in split.commands]
        audio, placed = speechset.scene(clips, gap=COMMAND_GAP)
        loudness = speechset.active_rms(np.concatenate([clip for _, clip in clips]))
        for condition, (snr, noise) in CONDITIONS.items():
            with listen() as listener:
                heard = _run(listener, speechset.mix(audio, snr, seed=len(placed), speech_rms=loudness, noise=noise))
            for spoken in placed:
                during = [h for h in heard if h.start < spoken.end + 0.5 and h.end > spoken.start - 0.5]
                ok = len(during) == 1 and during[0].intent == parser.parse(spoken.text)
                right[_family(label)][condition].append(ok)
                if not ok:
                    missed.append(f"{label}, {condition}: {spoken.text!r} heard as {[h.text for h in during]}")
    rates = {family: {name: float(np.mean(ok)) for name, ok in by_condition.items()}
             for family, by_condition in right.items()}
    return rates, missed


Tally = dict[str, dict[str, tuple[int, float]]]
"""Per voice family, per kind of talk (speechset.TALK_KINDS): (false commands, minutes of talk)."""


def false_commands(listen: Listen, split: speechset.Split,
                   listening: frozenset[str] | None = None) -> tuple[Tally, float, list[str]]:
    """False commands by voice family and kind of talk; CPU s per s of talk; what was falsely heard, in what.

    `listening`: only these intents, as the coach asks in a given state (None: every command).
    Each false command is put down to the talk sentence it overlaps, so near misses built to
    sound like a command can be told from ordinary talk.
    """
    found: Tally = defaultdict(lambda: {kind: (0, 0.0) for kind in speechset.TALK_KINDS})
    cpu = seconds = 0.0
    said: list[str] = []
    with listen() as listener:
        listener.listen_for(listening)
        for label, speak in speechset.readers(split):
            audio, placed = speechset.scene([(s, speak(s)) for s in split.talk], gap=TALK_GAP)
            audio = speechset.mix(audio, TALK_SNR)
            # The listener's clock runs on over the readings; the scene's starts at 0.
            placed = [dataclasses.replace(p, start=p.start + seconds, end=p.end + seconds) for p in placed]
            started = time.process_time()
            heard = _run(listener, audio)
            cpu += time.process_time() - started
            seconds += len(audio) / speechset.RATE
            tally = found[_family(label)]
            for spoken in placed:
                kind = speechset.talk_kind(spoken.text)
                count, minutes = tally[kind]
                tally[kind] = (count, minutes + (spoken.end - spoken.start + TALK_GAP) / 60)
            for command in heard:
                sentence = _overlapping(placed, command)
                kind = speechset.talk_kind(sentence) if sentence else "article"
                count, minutes = tally[kind]
                tally[kind] = (count + 1, minutes)
                said.append(f"{label}: {command.text!r} in {sentence!r} ({kind})")
            listener.reset()
    return found, cpu / seconds, said


def _overlapping(placed: list[speechset.Spoken], command: HeardCommand) -> str:
    """The talk sentence a falsely heard command overlaps most ("" when none)."""
    def overlap(spoken: speechset.Spoken) -> float:
        return min(spoken.end, command.end) - max(spoken.start, command.start)

    best = max(placed, key=overlap, default=None)
    return best.text if best is not None and overlap(best) > 0 else ""


def totals(kinds: dict[str, tuple[int, float]]) -> tuple[int, float]:
    """One voice family's false commands and minutes of talk, over every kind of talk."""
    return sum(n for n, _ in kinds.values()), sum(m for _, m in kinds.values())


def _print_false(title: str, found: Tally) -> None:
    for family, kinds in found.items():
        count, minutes = totals(kinds)
        parts = ", ".join(f"{kind} {n} in {m:.1f} min" for kind, (n, m) in kinds.items())
        print(f"  {title} {family:7s} {count} in {minutes:.1f} min of talk = {count / minutes * 60:.1f}/hour ({parts})")


def silence_cpu(listen: Listen) -> float:
    """CPU seconds per second of audio while listening to a quiet room (fan at low level)."""
    room = (speechset.pink_noise(60) * 30).astype(np.int16)
    with listen() as listener:
        started = time.process_time()
        _run(listener, room)
        return (time.process_time() - started) / 60


def latency(listen: Listen, split: speechset.Split) -> tuple[float, int]:
    """Median seconds from the true end of speech to the command (piper, real-time pace); and how many were heard."""
    delays = []
    speak = speechset.readers(split)[0][1]
    with listen() as listener:
        for text in split.commands:
            audio, placed = speechset.scene([(text, speak(text))], gap=1.0)
            audio = speechset.mix(audio, TALK_SNR)
            began = time.monotonic()
            for offset in range(0, len(audio), BLOCK):
                due = began + (offset + BLOCK) / speechset.RATE
                time.sleep(max(0.0, due - time.monotonic()))
                if listener.feed(audio[offset: offset + BLOCK]):
                    delays.append(time.monotonic() - began - placed[0].end)
                    break
            listener.reset()
    return (statistics.median(delays) if delays else float("nan")), len(delays)


class Unsuppressed:
    """No noise suppression: the listener hears the microphone's samples as they are."""

    def process(self, samples: np.ndarray) -> np.ndarray:
        return np.asarray(samples, dtype=np.int16)

    def flush(self) -> np.ndarray:
        return np.zeros(0, np.int16)


SUPPRESSORS = {"rnnoise": open_suppressor, "spectral": NoiseSuppressor, "none": Unsuppressed}
"""What `--suppressor` can put in front of the endpointer and the decoders; "rnnoise" is what the
service uses (the spectral suppressor where RNNoise's library does not load)."""


def listener_factory(backend: str, strictness: str = "normal", min_confidence: float | None = None,
                     suppressor: str = "rnnoise") -> Listen:
    """Opens listeners as the service does, behind its voice gate, but with the noise suppressor `suppressor` names."""
    return lambda: GatedListener(open_listener(backend, strictness=strictness, min_confidence=min_confidence,
                                               suppressor=SUPPRESSORS[suppressor]()))


def report(backend: str, split: speechset.Split, strictness: str = "normal", min_confidence: float | None = None,
           latency_only: bool = False, accuracy_only: bool = False, suppressor: str = "rnnoise") -> None:
    """Print one backend's figures on one split (at the strictness's confidence threshold unless one is given)."""
    listen = listener_factory(backend, strictness, min_confidence, suppressor)
    threshold = "" if min_confidence is None else f", confidence >= {min_confidence}"
    cleaned = "" if suppressor == "rnnoise" else f", suppressor: {suppressor}"
    print(f"\n{backend}, {split.name} split ({len(split.commands)} commands x {len(speechset.readers(split))} readings, "
          f"{strictness}{threshold}{cleaned})")
    if latency_only:
        _print_latency(listen, split)
        return
    rates, missed = accuracy(listen, split)
    for family, by_condition in rates.items():
        cells = "  ".join(f"{name}: {rate:.0%}" for name, rate in by_condition.items())
        print(f"  accuracy {family:7s} {cells}")
    for line in missed:
        print(f"    missed: {line}")
    if accuracy_only:
        return
    found, talk_cpu, said = false_commands(listen, split)
    _print_false("false commands", found)
    for line in said:
        print(f"    heard in talk: {line}")
    idle, _, started = false_commands(listen, split, listening_in(State.IDLE))
    _print_false("false commands while idle (start, help, what's next)", idle)
    for line in started:
        print(f"    heard in talk while idle: {line}")
    _print_latency(listen, split)
    print(f"  CPU s per s of audio: quiet room {silence_cpu(listen):.3f}, talk {talk_cpu:.3f}")


def _print_latency(listen: Listen, split: speechset.Split) -> None:
    median, heard = latency(listen, split)
    print(f"  latency (median, end of speech to intent, piper at real-time pace): {median * 1000:.0f} ms "
          f"({heard}/{len(split.commands)} heard)")


def main() -> None:
    """Print the tables for each backend that loads here."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", action="append", choices=("tuning", "held-out"))
    parser.add_argument("--backend", action="append", choices=("pocketsphinx", "vosk"))
    parser.add_argument("--strictness", choices=STRICTNESS, default="normal", help="speech.strictness to measure")
    parser.add_argument("--min-confidence", type=float, help="the confidence threshold to measure at (default: the strictness's)")
    parser.add_argument("--latency-only", action="store_true", help="measure only the latency (about a minute a split)")
    parser.add_argument("--accuracy-only", action="store_true", help="measure only the accuracy, by SNR and with a TV on")
    parser.add_argument("--suppressor", choices=SUPPRESSORS, default="rnnoise",
                        help="the noise suppressor in front of the listener (default: the service's)")
    args = parser.parse_args()
    splits = speechset.splits()
    for backend in args.backend or ["pocketsphinx", "vosk"]:
        try:
            open_listener(backend).close()
        except Exception as error:  # noqa: BLE001 - a missing model only skips its row
            print(f"{backend}: not available ({error})")
            continue
        for name in args.split or ["tuning", "held-out"]:
            report(backend, splits[name], args.strictness, args.min_confidence, args.latency_only,
                   args.accuracy_only, args.suppressor)


if __name__ == "__main__":
    main()
