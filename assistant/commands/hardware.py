"""`footstretch hardware test`: check the bedside button and LED with a person.

It asks for a press, a long press and a double press, then shows every LED
pattern. On a terminal it asks "did you see it?" after each pattern; without
one it compares the LED pin's value history with what the pattern should
look like. `--mock` uses gpiozero's mock pins and presses the button itself
(with contact bounce), so the whole chain can be checked on any machine.
"""

from __future__ import annotations

import argparse
import queue
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.coach.messages import Gesture, LedPattern
from assistant.config import MAX_BCM_PIN
from assistant.errors import DeviceError, InputError

if TYPE_CHECKING:
    from gpiozero.pins.mock import MockPin

    from assistant.gpio.devices import StatusLed
    from assistant.gpio.gestures import GestureDetector

Edges = queue.Queue[tuple[bool, float]]
Samples = list[tuple[float, float]]

BUTTON_STEPS = (
    (Gesture.PRESS, "Press the button once, briefly."),
    (Gesture.LONG, "Press and hold the button for two seconds, then let go."),
    (Gesture.DOUBLE, "Press the button twice, quickly."),
)
GESTURE_TIMEOUT = 20.0
SAMPLE_SECONDS = 0.01
BOUNCE = (0.0, 0.003, 0.006)  # a bouncy contact: the edge, a glitch back, the edge again
HOLD_SHOWN = 12.0  # long enough to see the steady light before the blinks quicken


@dataclass(frozen=True)
class Scene:
    """One LED pattern to show: what to call `show` with, when, and how long to watch."""

    pattern: LedPattern
    seconds: float
    shows: tuple[tuple[float, LedPattern, float | None], ...]


# `heard` is shown over the idle breath, as it appears when a command is heard.
SCENES = (
    Scene(LedPattern.IDLE, 6.0, ((0.0, LedPattern.IDLE, None),)),
    Scene(LedPattern.HEARD, 1.5, ((0.0, LedPattern.IDLE, None), (0.5, LedPattern.HEARD, None))),
    Scene(LedPattern.READY, 4.0, ((0.0, LedPattern.READY, None),)),
    Scene(LedPattern.HOLD, HOLD_SHOWN, ((0.0, LedPattern.HOLD, HOLD_SHOWN),)),
    Scene(LedPattern.SWITCH, 3.0, ((0.0, LedPattern.SWITCH, None),)),
    Scene(LedPattern.PAUSED, 6.0, ((0.0, LedPattern.PAUSED, None),)),
    Scene(LedPattern.DONE, 6.0, ((0.0, LedPattern.DONE, None),)),
    Scene(LedPattern.PROBLEM, 2.0, ((0.0, LedPattern.PROBLEM, None),)),
)
MOCK_PRESSES: dict[Gesture, tuple[tuple[float, bool], ...]] = {
    Gesture.PRESS: ((0.0, True), (0.15, False)),
    Gesture.LONG: ((0.0, True), (2.0, False)),
    Gesture.DOUBLE: ((0.0, True), (0.12, False), (0.3, True), (0.42, False)),
}


@dataclass(frozen=True)
class Check:
    """One thing the test looked at, and whether it was right."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Summary:
    """A pin's value history in a few numbers a person can compare."""

    peak: float
    low: float
    flashes: int
    first_gap: float | None
    last_gap: float | None

    def __str__(self) -> str:
        """E.g. 'peak 100.0%, low 0.0%, 5 flashes, 1.00 s apart then 0.30 s'."""
        text = f"peak {self.peak:.1%}, low {self.low:.1%}, {self.flashes} flash"
        text += "" if self.flashes == 1 else "es"
        if self.first_gap is not None and self.last_gap is not None:
            text += f", {self.first_gap:.2f} s apart then {self.last_gap:.2f} s"
        return text


def summarize(samples: Samples) -> Summary:
    """Peak, low and the flashes (rises through half-way) in (time, level) samples."""
    levels = [level for _, level in samples]
    peak, low = max(levels), min(levels)
    middle = (peak + low) / 2
    rises: list[float] = []
    above = False
    for at, level in samples:
        if peak - low > 0.001 and level > middle and not above:
            rises.append(at)
        above = level > middle
    gaps = [later - earlier for earlier, later in zip(rises, rises[1:])]
    return Summary(peak, low, len(rises), gaps[0] if gaps else None, gaps[-1] if gaps else None)


def agrees(seen: Summary, expected: Summary) -> bool:
    """Whether the pin's history looks like the pattern, allowing for sampling jitter."""
    return abs(seen.peak - expected.peak) <= 0.02 and abs(seen.flashes - expected.flashes) <= 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hardware test`."""
    parser = subparsers.add_parser("hardware", help="check the bedside button and LED")
    actions = parser.add_subparsers(dest="hardware_action", metavar="ACTION", required=True)
    test = actions.add_parser(
        "test",
        help="walk through the button gestures and LED patterns",
        description="Press the button as asked and watch each LED pattern; "
        "reports what the pins did. Exits non-zero if anything failed.",
    )
    test.add_argument(
        "--button-pin", type=int, default=17, metavar="N", help="GPIO of the button (17)"
    )
    test.add_argument("--led-pin", type=int, default=27, metavar="N", help="GPIO of the LED (27)")
    test.add_argument(
        "--mock",
        action="store_true",
        help="use gpiozero's mock pins and press the button automatically",
    )
    test.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the hardware test; 0 when every check passed, 1 otherwise."""
    for pin in (args.button_pin, args.led_pin):
        if not 0 <= pin <= MAX_BCM_PIN:
            raise InputError(f"GPIO{pin} is not on the 40-pin header (GPIO0 to GPIO{MAX_BCM_PIN})")
    if args.button_pin == args.led_pin:
        raise InputError("the button and the LED need different pins")
    checks = _run_mock(args) if args.mock else _run_real(args)
    failed = [check for check in checks if not check.ok]
    print("all checks passed" if not failed else f"{len(failed)} of {len(checks)} checks failed")
    return 1 if failed else 0


def _report(check: Check) -> Check:
    """Print one check as it completes."""
    print(f"{check.name}: {'ok' if check.ok else 'FAILED'} ({check.detail})", flush=True)
    return check


def _gesture_check(expected: Gesture, got: Gesture | None) -> Check:
    """The check for one requested gesture."""
    detail = "nothing heard" if got is None else f"heard {got.value}"
    return _report(Check(f"button {expected.value}", got is expected, detail))


def _expected(scene: Scene, shown_at: Sequence[float], samples: Samples) -> Samples:
    """What the pin should have done at the sample times, replayed on a fresh display."""
    from assistant.gpio.patterns import Display

    display = Display(shown_at[0])
    pending = list(zip(shown_at, scene.shows))
    expected: Samples = []
    for at, _ in samples:
        while pending and pending[0][0] <= at:
            show_at, (_, pattern, seconds) = pending.pop(0)
            display.show(pattern, show_at, seconds)
        expected.append((at, display.level(at)))
    return expected


def _led_check(
    scene: Scene, shown_at: Sequence[float], samples: Samples, ask: bool, note: str = ""
) -> Check:
    """Summarize a scene's pin history and judge it: by the person, or by the pattern."""
    from assistant.gpio.patterns import DESCRIPTIONS

    seen = summarize(samples)
    detail = f"pin: {note}{seen}"
    if ask:
        ok = _ask(f"Did you see {DESCRIPTIONS[scene.pattern]}? [y/n] ")
    else:
        expected = summarize(_expected(scene, shown_at, samples))
        ok = agrees(seen, expected)
        detail += "" if ok else f"; expected {expected}"
    return _report(Check(f"led {scene.pattern.value}", ok, detail))


def _ask(question: str) -> bool:
    """Ask a yes/no question on the terminal until answered."""
    while True:
        try:
            answer = input(question).strip().lower()
        except EOFError:  # Ctrl-D: take it as "no" rather than a traceback
            return False
        if answer in ("y", "yes", "n", "no"):
            return answer.startswith("y")


def _run_real(args: argparse.Namespace) -> list[Check]:
    """Test the real pins: a person presses and (on a terminal) says what they saw."""
    from assistant.gpio.devices import open_gpio
    from assistant.gpio.gestures import GestureDetector
    from assistant.gpio.patterns import DESCRIPTIONS, HEARD_SECONDS

    edges: Edges = queue.Queue()
    opened = open_gpio(
        args.button_pin, args.led_pin, on_edge=lambda pressed, at: edges.put((pressed, at))
    )
    if opened is None:
        raise DeviceError("no GPIO on this machine (see the log line above); try --mock")
    ask = sys.stdin.isatty()
    checks: list[Check] = []
    button, led = opened
    with button, led:
        waiter = _GestureWaiter(edges, GestureDetector(), time.monotonic)
        for gesture, instruction in BUTTON_STEPS:
            print(instruction, flush=True)
            got = waiter.next(GESTURE_TIMEOUT)
            if got is not None:
                led.show(LedPattern.HEARD)
            checks.append(_gesture_check(gesture, got))
        # Let the last gesture's flash end, so it is not taken for the first scene.
        time.sleep(HEARD_SECONDS)
        for scene in SCENES:
            look = DESCRIPTIONS[scene.pattern]
            print(f"The LED now shows {scene.pattern.value}: {look}.", flush=True)
            shown_at, samples = _watch_real(led, scene)
            checks.append(_led_check(scene, shown_at, samples, ask))
    return checks


class _GestureWaiter:
    """Feeds the button's queued edges to a detector and hands out gestures one by one."""

    def __init__(
        self, edges: Edges, detector: GestureDetector, clock: Callable[[], float]
    ) -> None:
        """Read edges from `edges`, decide with `detector`, wait on `clock`'s time."""
        self._edges = edges
        self._detector = detector
        self._clock = clock
        self._ready: list[Gesture] = []

    def next(self, timeout: float) -> Gesture | None:
        """Wait up to `timeout` seconds for the person's next gesture."""
        end = self._clock() + timeout
        while not self._ready:
            # Edges already queued happened before now: feed them before
            # letting the detector's timers run up to now.
            while not self._edges.empty():
                self._ready += self._detector.edge(*self._edges.get_nowait())
            now = self._clock()
            self._ready += self._detector.poll(now)
            if self._ready or now >= end:
                break
            deadline = self._detector.next_deadline()
            until = end if deadline is None else min(end, deadline)
            try:
                edge = self._edges.get(timeout=max(0.0, until - now))
            except queue.Empty:
                continue
            self._ready += self._detector.edge(*edge)
        return self._ready.pop(0) if self._ready else None


def _watch_real(led: StatusLed, scene: Scene) -> tuple[list[float], Samples]:
    """Show a scene on the real LED in real time, sampling the pin's value."""
    start = time.monotonic()
    shown_at: list[float] = []
    samples: Samples = []
    shows = list(scene.shows)
    while (now := time.monotonic()) < start + scene.seconds:
        while shows and start + shows[0][0] <= now:
            _, pattern, seconds = shows.pop(0)
            led.show(pattern, seconds)
            shown_at.append(time.monotonic())
        samples.append((now, led.value))
        time.sleep(SAMPLE_SECONDS)
    return shown_at, samples


class _VirtualClock:
    """Time that moves only when told: the mock test runs instantly."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """The current virtual time."""
        return self.now


def _run_mock(args: argparse.Namespace) -> list[Check]:
    """Test through gpiozero's mock pins, pressing the button by driving its pin."""
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    from assistant.gpio.devices import FRAME_SECONDS, BedsideButton, StatusLed
    from assistant.gpio.gestures import GestureDetector

    factory = MockFactory(pin_class=MockPWMPin)
    clock = _VirtualClock()
    edges: Edges = queue.Queue()
    checks: list[Check] = []
    button = BedsideButton(
        args.button_pin, on_edge=lambda pressed, at: edges.put((pressed, at)),
        pin_factory=factory, clock=clock,
    )
    led = StatusLed(args.led_pin, pin_factory=factory, clock=clock, run_thread=False)
    with button, led:
        detector = GestureDetector()
        button_pin = factory.pin(args.button_pin)
        for gesture, _ in BUTTON_STEPS:
            got = _mock_gesture(button_pin, edges, detector, clock, MOCK_PRESSES[gesture])
            checks.append(_gesture_check(gesture, got))
        led_pin = factory.pin(args.led_pin)
        for scene in SCENES:
            writes_before = len(led_pin.states)
            shown_at, samples = _watch_mock(led, led_pin, clock, scene, FRAME_SECONDS)
            changes = f"{len(led_pin.states) - writes_before} changes, "
            checks.append(_led_check(scene, shown_at, samples, ask=False, note=changes))
        print(f"button on {button.pin}, LED on {led.pin} (mock pins)")
    return checks


def _mock_gesture(
    pin: MockPin,
    edges: Edges,
    detector: GestureDetector,
    clock: _VirtualClock,
    presses: Sequence[tuple[float, bool]],
) -> Gesture | None:
    """Drive the button pin through `presses` (with bounce) and return the gesture."""
    start = clock.now + 1.0
    for offset, pressed in presses:
        for index, bounce in enumerate(BOUNCE):
            clock.now = start + offset + bounce
            # The contact bounces: the edge, a brief glitch back, the edge again.
            if (index % 2 == 0) == pressed:
                pin.drive_low()
            else:
                pin.drive_high()
    gestures: list[Gesture] = []
    while not edges.empty():
        gestures += detector.edge(*edges.get_nowait())
    clock.now += 2.0
    gestures += detector.poll(clock.now)
    return gestures[0] if gestures else None


def _watch_mock(
    led: StatusLed, pin: MockPin, clock: _VirtualClock, scene: Scene, frame: float
) -> tuple[list[float], Samples]:
    """Render a scene frame by frame on the virtual clock, reading the mock pin."""
    start = clock.now
    shown_at: list[float] = []
    samples: Samples = []
    shows = list(scene.shows)
    for index in range(round(scene.seconds / frame)):
        clock.now = start + index * frame
        while shows and start + shows[0][0] <= clock.now:
            _, pattern, seconds = shows.pop(0)
            led.show(pattern, seconds)
            shown_at.append(clock.now)
        led.render()
        samples.append((clock.now, float(pin.state)))
    clock.now = start + scene.seconds
    return shown_at, samples
