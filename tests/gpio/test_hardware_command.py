"""`footstretch hardware test`, run the way a person runs it."""

from __future__ import annotations

import threading
import time

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPWMPin

from assistant.cli import main
from assistant.coach.messages import LedPattern
from assistant.commands.hardware import summarize


@pytest.mark.integration
def test_the_mock_run_presses_every_gesture_and_checks_every_pattern(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["hardware", "test", "--mock"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for gesture in ("press", "long", "double"):
        assert f"button {gesture}: ok (heard {gesture})" in lines
    for pattern in LedPattern:
        assert any(line.startswith(f"led {pattern.value}: ok (pin: ") for line in lines)
    assert any(line.startswith("led idle: ok (pin: ") and "peak 3.0%" in line for line in lines)
    assert any(line.startswith("led done: ") and "3 flashes" in line for line in lines)
    assert lines[-1] == "all checks passed"


@pytest.mark.integration
def test_the_mock_run_uses_the_pins_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hardware", "test", "--mock", "--button-pin", "5", "--led-pin", "6"]) == 0
    assert "button on GPIO5, LED on GPIO6 (mock pins)" in capsys.readouterr().out


def press_like_a_person(factory: MockFactory, stop: threading.Event) -> None:
    """Press, long-press and double-press the mock button in real time."""
    pin = factory.pin(17)
    start = time.monotonic()
    schedule = [(0.5, True), (0.6, False), (2.0, True), (4.0, False),
                (5.0, True), (5.1, False), (5.25, True), (5.35, False)]
    for at, pressed in schedule:
        if stop.wait(max(0.0, start + at - time.monotonic())):
            return
        if pressed:
            pin.drive_low()
        else:
            pin.drive_high()


@pytest.mark.integration
def test_a_real_time_run_without_a_terminal_reads_gestures_and_checks_the_pin_history(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The default pin factory, as on a Pi, but mock pins: real threads, real time.
    factory = MockFactory(pin_class=MockPWMPin)
    monkeypatch.setattr(Device, "pin_factory", factory)
    stop = threading.Event()
    presser = threading.Thread(target=press_like_a_person, args=(factory, stop))
    presser.start()
    try:
        code = main(["hardware", "test"])
    finally:
        stop.set()
        presser.join()
    lines = capsys.readouterr().out.splitlines()
    for gesture in ("press", "long", "double"):
        assert f"button {gesture}: ok (heard {gesture})" in lines
    led_lines = [line for line in lines if line.startswith("led ")]
    assert [line.split(" (")[0] for line in led_lines] == [
        f"led {pattern.value}: ok" for pattern in LedPattern
    ], led_lines
    assert code == 0


def test_without_gpio_it_says_so_in_one_line_and_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Device, "pin_factory", None)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "no-such-driver")
    assert main(["hardware", "test"]) == 1
    err = capsys.readouterr().err
    assert "footstretch: no GPIO on this machine" in err
    assert "Traceback" not in err


def test_the_summary_counts_flashes_and_their_spacing() -> None:
    samples = [(t / 10, 1.0 if t in (0, 1, 5, 8) else 0.0) for t in range(10)]
    summary = summarize(samples)
    assert (summary.peak, summary.low, summary.flashes) == (1.0, 0.0, 3)
    assert summary.first_gap == pytest.approx(0.5) and summary.last_gap == pytest.approx(0.3)
    assert str(summary) == "peak 100.0%, low 0.0%, 3 flashes, 0.50 s apart then 0.30 s"


def test_a_steady_light_has_no_flashes() -> None:
    assert str(summarize([(0.0, 0.5), (0.1, 0.5)])) == "peak 50.0%, low 50.0%, 0 flashes"


@pytest.mark.parametrize(
    ("pins", "message"),
    [(["--button-pin", "40"], "GPIO40 is not on the 40-pin header"),
     (["--led-pin", "17"], "the button and the LED need different pins")],
)
def test_pins_that_cannot_work_are_refused_in_one_line(
    pins: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hardware", "test", "--mock", *pins]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"footstretch: {message}") and err.count("\n") == 1
