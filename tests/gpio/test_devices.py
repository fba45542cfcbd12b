"""The gpiozero adapters through gpiozero's own MockFactory and MockPWMPin."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from gpiozero import Button, Device
from gpiozero.pins.mock import MockFactory, MockPWMPin

from assistant.coach.messages import Gesture, LedPattern
from assistant.gpio.devices import CALM_FRAME_SECONDS, FRAME_SECONDS, BedsideButton, StatusLed, open_gpio
from assistant.gpio.gestures import GestureDetector
from assistant.gpio.patterns import DONE_SECONDS

pytestmark = pytest.mark.integration


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    factory = MockFactory(pin_class=MockPWMPin)
    yield factory
    factory.reset()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class ButtonRig:
    """A mock button pin wired through BedsideButton into a GestureDetector."""

    def __init__(self, factory: MockFactory, clock: FakeClock) -> None:
        self.clock = clock
        self.detector = GestureDetector()
        self.edges: list[tuple[bool, float]] = []
        self.gestures: list[Gesture] = []
        self.button = BedsideButton(17, on_edge=self._edge, pin_factory=factory, clock=clock)
        self.pin = factory.pin(17)

    def _edge(self, pressed: bool, at: float) -> None:
        self.edges.append((pressed, at))
        self.gestures += self.detector.edge(pressed, at)

    def drive(self, *steps: tuple[float, bool]) -> None:
        """Drive the pin low (pressed) or high (released) at the given times."""
        for at, pressed in steps:
            self.clock.now = at
            if pressed:
                self.pin.drive_low()
            else:
                self.pin.drive_high()

    def settle(self, until: float) -> list[Gesture]:
        """Let time run to `until` and return every gesture so far."""
        self.gestures += self.detector.poll(until)
        return self.gestures


@pytest.fixture
def rig(factory: MockFactory, clock: FakeClock) -> Iterator[ButtonRig]:
    rig = ButtonRig(factory, clock)
    yield rig
    rig.button.close()


def test_the_button_pin_is_pulled_up_and_edges_carry_the_clock_time(rig: ButtonRig) -> None:
    assert rig.pin.pull == "up"
    assert not rig.button.is_pressed
    rig.drive((3.0, True), (3.25, False))
    assert rig.edges == [(True, 3.0), (False, 3.25)]


def test_a_press_through_the_pin(rig: ButtonRig) -> None:
    rig.drive((1.0, True), (1.1, False))
    assert rig.settle(1.45) == []
    assert rig.settle(1.5) == [Gesture.PRESS]


def test_a_long_press_through_the_pin_fires_while_held(rig: ButtonRig) -> None:
    rig.drive((1.0, True))
    assert rig.settle(2.5) == [Gesture.LONG]
    assert rig.button.is_pressed


def test_a_double_press_through_the_pin(rig: ButtonRig) -> None:
    rig.drive((1.0, True), (1.1, False), (1.3, True), (1.4, False))
    assert rig.settle(10.0) == [Gesture.DOUBLE]


def test_a_bouncing_contact_through_the_pin_is_one_press(rig: ButtonRig) -> None:
    rig.drive(
        (1.000, True), (1.003, False), (1.006, True), (1.010, False), (1.013, True),
        (1.150, False), (1.152, True), (1.156, False),
    )
    assert len(rig.edges) == 8
    assert rig.settle(10.0) == [Gesture.PRESS]


def test_a_glitch_on_the_line_is_no_press(rig: ButtonRig) -> None:
    rig.drive((1.0, True), (1.02, False))
    assert rig.settle(10.0) == []


@pytest.fixture
def led(factory: MockFactory, clock: FakeClock) -> Iterator[StatusLed]:
    led = StatusLed(27, pin_factory=factory, clock=clock, run_thread=False)
    yield led
    led.close()


def play(led: StatusLed, pin: MockPWMPin, clock: FakeClock, seconds: float) -> list[float]:
    """Render every 20 ms for `seconds` and return the pin's value history since start."""
    start = clock.now
    led.render()
    pin.clear_states()  # the history starts with the first frame's level
    for index in range(1, round(seconds / 0.02)):
        clock.now = start + index * 0.02
        led.render()
    clock.now = start + seconds
    return [state.state for state in pin.states]


def rises(values: list[float], threshold: float = 0.5) -> int:
    """How many times the pin went from below `threshold` to above it."""
    return sum(1 for before, after in zip(values, values[1:]) if before <= threshold < after)


def test_the_led_pin_is_pwm_and_the_idle_breath_stays_dim(
    led: StatusLed, factory: MockFactory, clock: FakeClock
) -> None:
    pin = factory.pin(27)
    assert pin.frequency is not None
    values = play(led, pin, clock, 12.0)
    assert 0.02 < max(values) <= 0.03
    assert rises(values, threshold=0.015) == 2


def test_the_hold_blinks_faster_near_its_end_on_the_pin(
    led: StatusLed, factory: MockFactory, clock: FakeClock
) -> None:
    pin = factory.pin(27)
    led.show(LedPattern.HOLD, seconds=20.0)
    assert set(play(led, pin, clock, 10.0)) == {1.0}
    thirds = (play(led, pin, clock, 10 / 3) for _ in range(3))
    first, middle, last = (rises([1.0 - value for value in third]) for third in thirds)
    assert 0 < first < middle < last


def test_done_shows_three_pulses_on_the_pin(
    led: StatusLed, factory: MockFactory, clock: FakeClock
) -> None:
    led.show(LedPattern.DONE)
    values = play(led, factory.pin(27), clock, 10.0)
    assert rises(values) == 3
    assert max(values[-100:]) <= 0.03


def test_heard_flashes_once_then_the_pattern_before_carries_on(
    led: StatusLed, factory: MockFactory, clock: FakeClock
) -> None:
    pin = factory.pin(27)
    led.show(LedPattern.PAUSED)
    clock.now = 1.0
    led.show(LedPattern.HEARD)
    values = play(led, pin, clock, 1.0)
    assert values[0] == 1.0 and values[1] < 1.0
    assert led.pattern is LedPattern.PAUSED
    assert 0.0 < values[-1] < 0.5


def test_the_night_scale_dims_the_pin(
    led: StatusLed, factory: MockFactory, clock: FakeClock
) -> None:
    pin = factory.pin(27)
    led.show(LedPattern.PROBLEM)
    led.set_scale(0.25)
    assert max(play(led, pin, clock, 1.0)) == pytest.approx(0.25)


def test_closing_turns_the_led_off_and_frees_the_pin(
    factory: MockFactory, clock: FakeClock
) -> None:
    led = StatusLed(27, pin_factory=factory, clock=clock, run_thread=False)
    led.show(LedPattern.READY)
    led.render()
    assert factory.pin(27).state == 1.0
    led.close()
    led.close()
    assert factory.pin(27).state == 0.0
    StatusLed(27, pin_factory=factory, run_thread=False).close()


def test_the_render_thread_drives_the_pin_by_itself(factory: MockFactory) -> None:
    pin = factory.pin(27)
    with StatusLed(27, pin_factory=factory, frame_seconds=0.005) as led:
        led.show(LedPattern.PROBLEM)
        # Bounded wait on the real clock: a fast blink lights the pin every 300 ms.
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and rises([s.state for s in pin.states]) < 2:
            time.sleep(0.01)
        assert rises([s.state for s in pin.states]) >= 2
    assert pin.state == 0.0


def test_open_gpio_gives_both_devices(factory: MockFactory, clock: FakeClock) -> None:
    edges: list[tuple[bool, float]] = []
    opened = open_gpio(
        5, 6, factory, on_edge=lambda pressed, at: edges.append((pressed, at)), clock=clock
    )
    assert opened is not None
    button, led = opened
    with button, led:
        assert (button.pin, led.pin) == ("GPIO5", "GPIO6")
        factory.pin(5).drive_low()
        assert edges == [(True, 0.0)]


def test_open_gpio_with_a_busy_pin_runs_voice_only_and_frees_what_it_took(
    factory: MockFactory, caplog: pytest.LogCaptureFixture
) -> None:
    squatter = Button(27, pin_factory=factory)
    with caplog.at_level(logging.WARNING):
        assert open_gpio(17, 27, factory, on_edge=lambda pressed, at: None) is None
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert messages[0].startswith("no GPIO: running voice-only") and "GPIO27" in messages[0]
    squatter.close()
    Button(17, pin_factory=factory).close()


def test_open_gpio_without_a_pin_driver_runs_voice_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(Device, "pin_factory", None)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "no-such-driver")
    with caplog.at_level(logging.WARNING):
        assert open_gpio(on_edge=lambda pressed, at: None) is None
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("no GPIO: running voice-only")


def test_the_idle_breath_wakes_the_led_less_often_than_any_other_pattern(
    led: StatusLed, clock: FakeClock
) -> None:
    # All night only the breath shows; a flash or a hold is rendered at the full rate at once.
    assert led.next_frame(FRAME_SECONDS) == CALM_FRAME_SECONDS > FRAME_SECONDS
    led.show(LedPattern.HEARD)
    assert led.next_frame(FRAME_SECONDS) == FRAME_SECONDS
    clock.now += 1.0
    assert led.next_frame(FRAME_SECONDS) == CALM_FRAME_SECONDS
    led.show(LedPattern.HOLD, seconds=30.0)
    assert led.next_frame(FRAME_SECONDS) == FRAME_SECONDS
    led.show(LedPattern.DONE)
    assert led.next_frame(FRAME_SECONDS) == FRAME_SECONDS
    clock.now += DONE_SECONDS
    assert led.next_frame(FRAME_SECONDS) == CALM_FRAME_SECONDS
