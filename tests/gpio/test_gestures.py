"""The gesture detector on its own: edges with times in, gestures out, no clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.coach.messages import Gesture
from assistant.gpio.gestures import GestureDetector

PRESS, LONG, DOUBLE = Gesture.PRESS, Gesture.LONG, Gesture.DOUBLE


def feed(
    detector: GestureDetector, edges: list[tuple[float, bool]], until: float
) -> list[Gesture]:
    """Feed edges in order, then let time run to `until`."""
    gestures: list[Gesture] = []
    for at, pressed in edges:
        gestures += detector.edge(pressed, at)
    return gestures + detector.poll(until)


def test_a_single_press_is_known_once_the_double_press_window_closes() -> None:
    detector = GestureDetector()
    assert feed(detector, [(10.0, True), (10.2, False)], until=10.59) == []
    assert detector.next_deadline() == pytest.approx(10.6)
    assert detector.poll(10.6) == [PRESS]
    assert detector.next_deadline() is None


def test_a_long_press_fires_while_still_held() -> None:
    detector = GestureDetector()
    assert feed(detector, [(0.0, True)], until=1.49) == []
    assert detector.next_deadline() == pytest.approx(1.5)
    assert detector.poll(1.5) == [LONG]
    assert detector.pressed
    assert feed(detector, [(4.0, False)], until=10.0) == []


def test_a_press_held_just_under_the_long_time_is_a_single_press() -> None:
    detector = GestureDetector()
    assert feed(detector, [(0.0, True), (1.4, False)], until=5.0) == [PRESS]


def test_a_double_press_fires_on_the_second_press_and_nothing_after() -> None:
    detector = GestureDetector()
    assert feed(detector, [(0.0, True), (0.12, False), (0.3, True)], until=0.35) == [DOUBLE]
    assert feed(detector, [(0.42, False)], until=10.0) == []


def test_two_presses_far_apart_are_two_single_presses() -> None:
    detector = GestureDetector()
    edges = [(0.0, True), (0.1, False), (0.6, True), (0.7, False)]
    assert feed(detector, edges, until=5.0) == [PRESS, PRESS]


def test_contact_bounce_around_each_edge_is_ignored() -> None:
    detector = GestureDetector()
    bouncy = [
        (0.000, True), (0.002, False), (0.005, True), (0.009, False), (0.012, True),
        (0.200, False), (0.203, True), (0.207, False),
    ]
    assert feed(detector, bouncy, until=5.0) == [PRESS]


def test_a_spike_shorter_than_the_debounce_is_no_press_at_all() -> None:
    detector = GestureDetector()
    assert feed(detector, [(0.0, True), (0.03, False)], until=5.0) == []
    assert not detector.pressed


def test_a_release_just_before_the_long_deadline_makes_it_a_short_press() -> None:
    # The release begins before 1.5 s but is only certain after the debounce:
    # the long press must wait for it rather than fire at 1.5 s.
    detector = GestureDetector()
    assert feed(detector, [(0.0, True), (1.49, False)], until=1.52) == []
    assert detector.poll(5.0) == [PRESS]


def test_a_glitch_just_before_the_long_deadline_still_gives_a_long_press() -> None:
    detector = GestureDetector()
    edges = [(0.0, True), (1.49, False), (1.495, True)]
    assert feed(detector, edges, until=1.5) == [LONG]


def test_a_second_press_that_settles_after_the_window_still_counts_as_double() -> None:
    detector = GestureDetector()
    edges = [(0.0, True), (0.1, False), (0.49, True)]
    assert feed(detector, edges, until=0.5) == []
    assert detector.poll(0.54) == [DOUBLE]


def test_a_release_seen_first_after_start_up_is_harmless() -> None:
    detector = GestureDetector()
    assert feed(detector, [(0.0, False), (0.1, True), (0.2, False)], until=5.0) == [PRESS]


def test_nothing_waits_when_the_button_is_idle() -> None:
    assert GestureDetector().next_deadline() is None


@pytest.mark.parametrize(("long", "double", "debounce"), [(1.0, 1.0, 0.05), (1.5, 0.4, 0.5)])
def test_timings_that_cannot_work_are_refused(long: float, double: float, debounce: float) -> None:
    with pytest.raises(ValueError):
        GestureDetector(long, double, debounce)


# ---- properties over any sequence of presses -----------------------------

MARGIN = 0.1  # keep clean timings clearly on one side of every threshold
held = st.one_of(st.floats(0.1, 1.5 - MARGIN), st.floats(1.5 + MARGIN, 3.0))
gap = st.one_of(st.floats(0.1, 0.4 - MARGIN), st.floats(0.4 + MARGIN, 3.0))
bounce = st.lists(st.floats(0.0005, 0.004), max_size=3)


def expected_gestures(presses: list[tuple[float, float]]) -> list[Gesture]:
    """A plain reading of the rules over (held, gap before the next press) pairs."""
    gestures: list[Gesture] = []
    index = 0
    while index < len(presses):
        held_for, gap_after = presses[index]
        if held_for >= 1.5:
            gestures.append(LONG)
        elif index + 1 < len(presses) and gap_after < 0.4:
            gestures.append(DOUBLE)
            index += 1  # the second press belongs to the double
        else:
            gestures.append(PRESS)
        index += 1
    return gestures


def edges_of(
    presses: list[tuple[float, float]], bounces: list[list[float]]
) -> list[tuple[float, bool]]:
    """Clean press/release edges, each followed by a short burst of contact bounce."""
    edges: list[tuple[float, bool]] = []
    now = 1.0
    for index, (held_for, gap_after) in enumerate(presses):
        for level, length in ((True, held_for), (False, gap_after)):
            edges.append((now, level))
            glitch_at = now
            for width in bounces[(2 * index + level) % len(bounces)] if bounces else []:
                edges += [(glitch_at + width, not level), (glitch_at + 2 * width, level)]
                glitch_at += 2 * width
            now += length
    return edges


@given(st.lists(st.tuples(held, gap), max_size=8), st.lists(bounce, max_size=4))
def test_any_press_sequence_with_bounce_gives_the_gestures_the_rules_say(
    presses: list[tuple[float, float]], bounces: list[list[float]]
) -> None:
    detector = GestureDetector()
    got = feed(detector, edges_of(presses, bounces), until=1e6)
    assert got == expected_gestures(presses)


@given(st.lists(st.tuples(held, st.floats(0.4 + MARGIN, 3.0)), min_size=1, max_size=6))
def test_polling_at_each_deadline_decides_a_long_press_before_the_release(
    presses: list[tuple[float, float]],
) -> None:
    detector = GestureDetector()
    decided: list[tuple[float, Gesture]] = []
    for at, pressed in edges_of(presses, []):
        while (deadline := detector.next_deadline()) is not None and deadline <= at:
            decided += [(deadline, gesture) for gesture in detector.poll(deadline)]
        decided += [(at, gesture) for gesture in detector.edge(pressed, at)]
    starts = [at for at, pressed in edges_of(presses, []) if pressed]
    # Gaps are too long for double presses, so each press is decided alone.
    longs = [at for at, gesture in decided if gesture is LONG]
    long_starts = [start for start, (held_for, _) in zip(starts, presses) if held_for >= 1.5]
    assert longs == pytest.approx([start + 1.5 for start in long_starts])
