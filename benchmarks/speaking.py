"""Speaking figures: prompt start latency (cached and not), piper's real-time factor, cache size, memory.

    .venv/bin/python -m benchmarks.speaking              # on the virtual card, paced to real time
    .venv/bin/python -m benchmarks.speaking --device 1   # on a real output device (the Pi)

"Start latency" runs from asking for a prompt (`PromptCache.audio(text)`) to
the moment the speaker's callback hands the prompt's first sample to
PortAudio. On the virtual card the stream is paced to real time by
`assistant.audio.pacing.Pacer`, so callbacks come at a real device's period.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.audio.clip import Audio
    from assistant.audio.playback import Speaker
    from assistant.speech.prompt_cache import PromptCache
    from assistant.speech.tts import Voice


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default=None, help="real output device; default: the virtual card")
    parser.add_argument("--rounds", type=int, default=3, help="times each cached prompt is started")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="footstretch-bench-") as scratch:
        if args.device is None:
            from assistant.audio.virtual_card import make_virtual_card

            make_virtual_card(Path(scratch) / "card").activate()  # before sounddevice is imported
        run(Path(scratch), args.device, args.rounds)


def run(scratch: Path, device: str | None, rounds: int) -> None:
    """Load the voice, fill a cache for the whole routine, then time prompt starts."""
    from assistant.coach.prompts import all_prompts
    from assistant.routine import default_routine
    from assistant.speech.prompt_cache import PromptCache
    from assistant.speech.tts import Voice

    rss_before = _peak_rss_mb()
    began = time.perf_counter()
    voice = Voice.load(voices_dir=scratch / "voices")
    load_seconds = time.perf_counter() - began
    prompts = all_prompts(default_routine())

    cache = PromptCache(voice, scratch / "cache")
    factors: list[float] = []
    seconds_of_speech = 0.0
    began = time.perf_counter()
    for text in prompts:
        start = time.perf_counter()
        audio = cache.audio(text)  # a miss: synthesized and stored
        factors.append((time.perf_counter() - start) / audio.duration)
        seconds_of_speech += audio.duration
    render_seconds = time.perf_counter() - began
    rss_after = _peak_rss_mb()

    cached, uncached = _start_latencies(voice, cache, prompts, device, rounds, scratch)

    print(f"voice {voice.name}: loaded (with warm-up) in {load_seconds:.2f} s")
    print(f"routine: {len(prompts)} known prompts, {seconds_of_speech:.0f} s of speech")
    print(
        f"piper real-time factor: median {statistics.median(factors):.3f}, "
        f"worst {max(factors):.3f} (synthesis time / speech time)"
    )
    print(f"rendering the whole routine: {render_seconds:.1f} s")
    print(f"prompt cache for the whole routine: {cache.size_bytes() / 1e6:.1f} MB")
    starts = [start for start, _ in cached]
    reads = [read for _, read in cached]
    print(
        f"start latency, cached: median {_ms(statistics.median(starts))}, "
        f"95th percentile {_ms(_percentile(starts, 95))}, worst {_ms(max(starts))} ({len(starts)} starts); "
        f"of which reading the entry: median {_ms(statistics.median(reads))}"
    )
    cold_starts = [start for start, _ in uncached]
    print(
        f"start latency, uncached (synthesized on the fly): median {_ms(statistics.median(cold_starts))}, "
        f"worst {_ms(max(cold_starts))} ({len(cold_starts)} starts)"
    )
    print(f"peak RSS: {rss_before:.0f} MB before the voice, {rss_after:.0f} MB with it loaded and speaking")


def _start_latencies(
    voice: "Voice", cache: "PromptCache", prompts: list[str], device: str | None, rounds: int, scratch: Path
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    from assistant.audio import device_setting
    from assistant.audio.playback import Speaker
    from assistant.speech.prompt_cache import PromptCache

    cached: list[tuple[float, float]] = []
    uncached: list[tuple[float, float]] = []
    cold = PromptCache(voice, scratch / "cold")
    # The virtual card has no clock of its own: pace it to real time.
    with Speaker(device_setting(device or ""), pace=None if device else 1.0) as speaker:
        for _ in range(rounds):
            for text in prompts:
                cached.append(_time_start(speaker, lambda: cache.audio(text)))
        for text in prompts[:: max(1, len(prompts) // 15)]:
            uncached.append(_time_start(speaker, lambda: cold.audio(text)))
        speaker.stop()
    return cached, uncached


def _time_start(speaker: "Speaker", get_audio: Callable[[], "Audio"]) -> tuple[float, float]:
    """Seconds from asking for a prompt to its first sample in the stream, and to having its audio."""
    # Each prompt starts on a quiet speaker, as most do; an urgent one would first
    # spend CUT_FADE_SECONDS fading out its predecessor.
    speaker.stop()
    while speaker.is_playing:
        time.sleep(0.001)
    asked = time.perf_counter()
    audio = get_audio()
    got = time.perf_counter()
    playback = speaker.play(audio)
    deadline = asked + 5
    while playback.started_at is None and time.perf_counter() < deadline:
        time.sleep(0.0005)
    if playback.started_at is None:
        raise RuntimeError("the speaker did not start a prompt within 5 s")
    return playback.started_at - asked, got - asked


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


if __name__ == "__main__":
    main()
