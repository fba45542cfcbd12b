"""Runs the real service in this process, for tests and benchmarks; PortAudio sees the virtual card.

Usage: python service_runner.py SPEC.json. The spec names the config text, the
directory for state, cache and the timeline, the speed, an optional text event
to start with, whether to use mock pins, when to press the button, plug in a
device or kill the recognizer's process, and when to stop. The last line
printed is a JSON summary. Run in a subprocess whose ALSA_CONFIG_PATH names
the card.
"""

import asyncio
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.coach.messages import Heard
from assistant.config import parse_settings
from assistant.notify import Notifier
from assistant.routine import default_routine
from assistant.service import Places, RunOptions, Service
from assistant.speech.intents import IntentParser
from assistant.timeline import json_lines
from assistant.tomlfile import TomlFile
from benchmarks.procfs import children


class ReadyNotifier(Notifier):
    """systemd's notifier that also tells this process when the service said READY=1."""

    def __init__(self) -> None:
        super().__init__()
        self.is_ready = threading.Event()

    def ready(self, status: str | None = None) -> None:
        super().ready(status)
        self.is_ready.set()


def once_ready(ready: threading.Event, schedule: list[tuple[float, Callable[[], object]]]) -> None:
    """Run each action `at` seconds (wall clock) after the service said READY=1.

    Timed from READY=1, not from launch: a button press before the button is set up is lost, a
    microphone plugged in before the service first looks for it is never missing, and on a busy
    machine start-up can take longer than a second."""
    ready.wait()
    for at, action in schedule:
        threading.Timer(at, action).start()


def kill_children() -> None:
    """SIGKILL every child process of this one."""
    for child in children(os.getpid()):
        os.kill(child, signal.SIGKILL)


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    out = Path(spec["out"])
    settings = parse_settings(TomlFile.parse(spec.get("config", ""), "test-config.toml"))
    routine = settings.load_routine()
    start = [Heard(IntentParser(default_routine()).parse(spec["start_text"]), "text")] if spec.get("start_text") else []
    pin_factory = None
    if spec.get("mock_pins", True):
        from gpiozero.pins.mock import MockFactory, MockPWMPin

        pin_factory = MockFactory(pin_class=MockPWMPin)
    timeline = (out / "timeline.jsonl").open("w")
    options = RunOptions(
        speed=spec.get("speed", 20.0),
        pace_audio=True,
        until_done=spec.get("until_done", True),
        pin_factory=pin_factory,
        start_with=tuple(start),
        sinks=(json_lines(timeline),),
    )
    places = Places(state=out / "state", cache=Path(spec["cache"]), data=out / "data")
    notifier = ReadyNotifier()
    service = Service(settings, routine, places, options, notifier=notifier)
    schedule: list[tuple[float, Callable[[], object]]] = []
    for at, held in spec.get("button_presses", []):
        # A finger on the mock button pin: down at `at`, up `held` seconds later.
        pin = pin_factory.pin(settings.gpio.button_pin)
        schedule += [(at, pin.drive_low), (at + held, pin.drive_high)]
    if "alsa_config_after" in spec:
        # Plug a device in (or out): ALSA reads its configuration again when PortAudio rescans.
        seconds, text = spec["alsa_config_after"]
        schedule.append((seconds, lambda: Path(os.environ["ALSA_CONFIG_PATH"]).write_text(text)))
    if "kill_recognizer_after" in spec:
        # The recognizer's process is this process's only child.
        schedule.append((spec["kill_recognizer_after"], kill_children))
    threading.Thread(target=once_ready, args=(notifier.is_ready, schedule), daemon=True).start()
    began = time.monotonic()

    async def run() -> None:
        task = asyncio.create_task(service.run())
        await asyncio.wait({task}, timeout=spec.get("stop_after", 300))
        service.stop()
        await task

    asyncio.run(run())
    timeline.close()
    print(json.dumps({
        "output_lead": service.output_lead(),
        "speaker": service.speaker_format,
        "wall_seconds": time.monotonic() - began,
    }))


if __name__ == "__main__":
    main()
