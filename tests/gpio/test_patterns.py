"""How each LED pattern looks, as pure functions of time (no clock, no pins)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.coach.messages import LedPattern
from assistant.errors import InputError
from assistant.gpio.patterns import DESCRIPTIONS, DONE_SECONDS, HEARD_SECONDS, Display, brightness

STEP = 0.01


def levels(pattern: LedPattern, seconds: float, hold_seconds: float | None = None) -> list[float]:
    """The pattern sampled every 10 ms for `seconds`."""
    times = [index * STEP for index in range(round(seconds / STEP))]
    return [
        brightness(pattern, t, None if hold_seconds is None else hold_seconds - t) for t in times
    ]


def flash_starts(values: list[float], threshold: float = 0.5) -> list[float]:
    """Times (s) at which the light rises through `threshold`."""
    return [
        index * STEP
        for index, value in enumerate(values)
        if value > threshold and (index == 0 or values[index - 1] <= threshold)
    ]


def test_idle_breathes_but_never_lights_a_dark_room() -> None:
    values = levels(LedPattern.IDLE, 12.0)
    assert max(values) <= 0.03
    assert max(values) > 0.025
    assert min(values) < 0.001
    assert len(flash_starts(values, threshold=0.015)) == 2


def test_a_hold_is_steady_until_its_last_ten_seconds() -> None:
    assert set(levels(LedPattern.HOLD, 20.0, hold_seconds=30.0)) == {1.0}
    assert set(levels(LedPattern.HOLD, 5.0)) == {1.0}


def test_a_hold_blinks_faster_and_faster_as_it_ends() -> None:
    values = levels(LedPattern.HOLD, 30.0, hold_seconds=30.0)
    darks = flash_starts([1.0 - value for value in values])
    assert darks and darks[0] >= 20.0
    gaps = [later - earlier for earlier, later in zip(darks, darks[1:])]
    assert gaps[0] > 0.6 and gaps[-1] < 0.3
    assert all(later <= earlier + STEP for earlier, later in zip(gaps, gaps[1:]))


def test_ready_is_a_slow_blink_and_problem_a_fast_one() -> None:
    assert len(flash_starts(levels(LedPattern.READY, 10.0))) == 5
    assert len(flash_starts(levels(LedPattern.PROBLEM, 3.0))) == 10


def test_switch_is_a_double_blink() -> None:
    starts = flash_starts(levels(LedPattern.SWITCH, 3.0))
    gaps = [round(later - earlier, 2) for earlier, later in zip(starts, starts[1:])]
    assert gaps == [0.3, 1.2, 0.3]


def test_paused_is_a_soft_pulse_without_jumps() -> None:
    values = levels(LedPattern.PAUSED, 6.0)
    assert len(flash_starts(values, threshold=0.25)) == 2
    assert max(abs(later - earlier) for earlier, later in zip(values, values[1:])) < 0.01


def test_done_is_three_long_pulses_then_the_idle_breath() -> None:
    values = levels(LedPattern.DONE, DONE_SECONDS + 12.0)
    starts = flash_starts(values)
    assert len(starts) == 3
    assert all(0.4 < lit < 1.0 for lit in _lit_lengths(values))
    assert max(values[round(DONE_SECONDS / STEP):]) <= 0.03


def _lit_lengths(values: list[float]) -> list[float]:
    """How long (s) each stretch above half brightness lasts."""
    lengths: list[float] = []
    run = 0
    for value in [*values, 0.0]:
        if value > 0.5:
            run += 1
        elif run:
            lengths.append(run * STEP)
            run = 0
    return lengths


@given(
    st.sampled_from(list(LedPattern)),
    st.floats(0.0, 100.0),
    st.one_of(st.none(), st.floats(-5.0, 60.0)),
    st.floats(0.0, 1.0),
)
def test_every_level_is_a_duty_cycle_scaled_by_the_night_factor(
    pattern: LedPattern, t: float, left: float | None, scale: float
) -> None:
    full = brightness(pattern, t, left)
    assert 0.0 <= full <= 1.0
    assert brightness(pattern, t, left, scale) == pytest.approx(full * scale)


def test_every_pattern_is_described_for_the_hardware_test() -> None:
    assert set(DESCRIPTIONS) == set(LedPattern)


def test_heard_flashes_over_a_hold_whose_countdown_keeps_its_pace() -> None:
    display = Display(now=0.0)
    display.show(LedPattern.HOLD, 100.0, seconds=30.0)
    display.show(LedPattern.HEARD, 125.0)
    assert display.pattern is LedPattern.HOLD
    assert display.level(125.0 + HEARD_SECONDS / 2) == 1.0
    after = 125.0 + HEARD_SECONDS + 0.3
    hold_at = 25.3 + HEARD_SECONDS
    assert display.level(after) == brightness(LedPattern.HOLD, hold_at, 30.0 - hold_at)


def test_heard_over_the_idle_breath_returns_to_it() -> None:
    display = Display(now=0.0)
    display.show(LedPattern.HEARD, 2.0)
    assert display.level(2.05) == 1.0
    assert display.level(3.0) == brightness(LedPattern.IDLE, 3.0)


def test_the_night_scale_dims_every_pattern_shown() -> None:
    display = Display(now=0.0, scale=0.2)
    display.show(LedPattern.READY, 0.0)
    assert display.level(0.5) == pytest.approx(0.2)
    display.set_scale(1.0)
    assert display.level(0.5) == 1.0


@pytest.mark.parametrize("scale", [-0.1, 1.5])
def test_a_scale_outside_zero_to_one_is_refused(scale: float) -> None:
    with pytest.raises(InputError, match="between 0 and 1"):
        Display(now=0.0, scale=scale)
