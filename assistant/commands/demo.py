"""`footstretch demo`: the real service, end to end, on a machine with no sound card or GPIO.

A virtual sound card (ALSA's file plugin) stands in for the microphone and
speaker, and gpiozero's mock pins for the button and LED. The voice says
"start my foot stretches" into the microphone; the recognizer hears it, the
coach runs the whole routine time-compressed, and everything said lands in
`spoken.wav`, time-aligned with `timeline.jsonl`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.arguments import number_in

DEFAULT_SPEED = 10.0
"""The ten-minute routine then takes about a minute."""
COMMAND = "start my foot stretches"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `demo` sub-command."""
    parser = subparsers.add_parser(
        "demo", help="run the whole routine end to end on a virtual sound card and mock GPIO"
    )
    parser.add_argument("--speed", type=number_in(0.5, 50), default=DEFAULT_SPEED,
                        help=f"time compression, 0.5 to 50 (default {DEFAULT_SPEED:g}: about a minute)")
    parser.add_argument("--out", default="demo-out", metavar="DIR",
                        help="where timeline.jsonl and spoken.wav go (default demo-out)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo and report what happened."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    card = _virtual_card(out)
    card.activate()
    result = _run_service(out, card, args.speed)
    return 0 if result else 1


def _virtual_card(out: Path) -> Any:
    """Prepare the voice, and a virtual card whose microphone hears the start command once."""
    import numpy as np

    from assistant.audio.virtual_card import SAMPLE_RATE, make_virtual_card
    from assistant.coach import all_prompts
    from assistant.config import Settings
    from assistant.paths import cache_dir
    from assistant.speech.prompt_cache import PromptCache
    from assistant.speech.tts import Voice

    voice = Voice.load()
    # What an install does once: render every prompt, so the time-compressed
    # routine never waits for synthesis (the first time takes a minute or so).
    prompts = all_prompts(Settings().load_routine())
    print(f"footstretch demo: preparing the voice ({len(prompts)} sentences, cached after the first run)")
    PromptCache(voice, cache_dir() / "prompts").prepare(prompts)
    print(f"footstretch demo: saying {COMMAND!r} into the virtual microphone")
    spoken = voice.synthesize(COMMAND).resampled(SAMPLE_RATE).samples
    silence = np.zeros(SAMPLE_RATE, dtype=np.int16)
    pcm = np.concatenate([silence, spoken, silence]).astype("<i2").tobytes()
    return make_virtual_card(out / "card", pcm)


def _run_service(out: Path, card: Any, speed: float) -> bool:
    import asyncio
    import json

    import numpy as np
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    from assistant.audio.clip import Audio
    from assistant.config import Settings
    from assistant.paths import cache_dir, data_dir
    from assistant.service import Places, RunOptions, Service
    from assistant.simulate import routine_seconds

    settings = Settings(source="embedded defaults")
    routine = settings.load_routine()
    records: list[dict[str, Any]] = []
    timeline_file = (out / "timeline.jsonl").open("w", encoding="utf-8")

    def keep(record: dict[str, Any]) -> None:
        records.append(record)
        timeline_file.write(json.dumps(record) + "\n")
        _progress(record)

    places = Places(state=out / "state", cache=cache_dir(), data=data_dir())
    options = RunOptions(
        speed=speed,
        pace_audio=True,
        until_done=True,
        pin_factory=MockFactory(pin_class=MockPWMPin),
        sinks=(keep,),
    )
    service = Service(settings, routine, places, options)
    limit = routine_seconds(routine) / speed + 120

    async def main() -> None:
        task = asyncio.create_task(service.run())
        done, _ = await asyncio.wait({task}, timeout=limit)
        if not done:
            print(f"footstretch demo: gave up after {limit:.0f} s", file=sys.stderr)
            service.stop()
        await task

    try:
        asyncio.run(main())
    finally:
        timeline_file.close()
    if service.speaker_format:
        rate, channels = service.speaker_format
        samples = np.frombuffer(card.playback.read_bytes(), dtype="<i2")
        first_channel = samples[: len(samples) // channels * channels].reshape(-1, channels)[:, 0]
        first_channel = first_channel[round(service.output_lead() * rate):]
        Audio(first_channel.astype(np.int16), rate).write_wav(out / "spoken.wav")
        card.playback.unlink()
    return _report(out, records)


def _progress(record: dict[str, Any]) -> None:
    kind = record["type"]
    if kind == "intent":
        print(f"{record['t']:7.1f}s  heard {record['text']!r} -> {record['intent']}")
    elif kind == "step":
        side = f", {record['side']} side" if record["side"] else ""
        rep = f", round {record['rep']} of {record['reps']}" if record["reps"] > 1 else ""
        print(f"{record['t']:7.1f}s  stretch {record['index'] + 1} of {record['count']}: {record['stretch']}{side}{rep}")
    elif kind == "routine_end":
        how = "completed" if record["completed"] else record["reason"]
        print(f"{record['t']:7.1f}s  routine {how}")


def _report(out: Path, records: list[dict[str, Any]]) -> bool:
    ends = [r for r in records if r["type"] == "routine_end"]
    holds = sum(1 for r in records if r["type"] == "hold_end" and r["completed"])
    completed = bool(ends) and ends[-1]["completed"]
    print(f"footstretch demo: {holds} holds, routine {'completed' if completed else 'NOT completed'}")
    print(f"  {out / 'timeline.jsonl'}")
    if (out / "spoken.wav").exists():
        print(f"  {out / 'spoken.wav'}")
    if not any(r["type"] == "intent" and r["source"] == "voice" for r in records):
        print("footstretch demo: the recognizer did not hear the start command", file=sys.stderr)
    return completed
