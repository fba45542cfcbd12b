"""The bedside button through the real service: gpiozero's mock pin, the gesture detector, the coach."""

import pytest

pytestmark = pytest.mark.integration


def test_a_press_starts_the_routine_and_a_long_press_stops_it(run_service):
    run = run_service(button_presses=[[1.0, 0.1], [7.0, 2.0]], until_done=False, stop_after=15, speed=5.0)
    assert run.returncode == 0, run.log[-2000:]
    intents = [(r["intent"], r["source"]) for r in run.of_type("intent")]
    assert intents == [("start_routine", "button"), ("stop", "button")]
    assert [r["reason"] for r in run.of_type("routine_end")] == ["stopped"]
    assert run.of_type("hold_start"), "the routine ran between the two presses"
