"""What a person can say (or press) during a routine, through the simulation."""

import pytest

from assistant.coach import Coach
from assistant.coach.messages import Heard, OfferResume, Problem, State, Tick
from assistant.speech.intents import Intent
from tests.coach.helpers import ROUTINE, first, holds, of_type, said, simulate

START = (0, "start my foot stretches")
BASE = simulate(START)
TOWEL_RIGHT = first(BASE, "hold_start", stretch="towel_stretch", side="right")["t"]


def shifted_timeline(records, after):
    """(type, t) of the routine's landmarks after `after`."""
    kinds = ("step", "hold_start", "hold_end", "routine_end", "stretch_done")
    return [(r["type"], r["t"]) for r in records if r["type"] in kinds and r["t"] > after]


@pytest.mark.parametrize("pause_at", [1.0, 30.1234, TOWEL_RIGHT + 7.5, TOWEL_RIGHT + 29.999, 400.0])
def test_pause_and_resume_shift_the_rest_of_the_routine_by_exactly_the_paused_time(pause_at):
    paused_for = 42.456
    records = simulate(START, (pause_at, "pause"), (pause_at + paused_for, "continue"))
    after = [(kind, round(t - paused_for, 3)) for kind, t in shifted_timeline(records, pause_at + paused_for)]
    expected = [(kind, t) for kind, t in shifted_timeline(BASE, pause_at)]
    assert after == expected
    assert first(records, "resumed")["paused_seconds"] == paused_for
    assert of_type(records, "routine_end")[-1]["completed"] is True


def test_a_paused_hold_keeps_its_remaining_time_to_the_millisecond():
    records = simulate(START, (TOWEL_RIGHT + 12.345, "wait"), (TOWEL_RIGHT + 100.0, "keep going"))
    start, end = next((s, e) for s, e in holds(records) if s["stretch"] == "towel_stretch")
    assert round(end["t"] - start["t"], 3) == round(30 + 100.0 - 12.345, 3)


def test_pause_says_so_and_nothing_happens_until_resumed():
    records = simulate(START, (TOWEL_RIGHT + 5, "hold on"))
    later = [r for r in records if r["t"] > TOWEL_RIGHT + 5 and r["type"] != "led"]
    assert [r["type"] for r in later] == ["hold_end", "routine_end"]  # a pause times out after half an hour
    assert later[0]["completed"] is False
    assert later[1]["reason"] == "abandoned" and later[1]["t"] == TOWEL_RIGHT + 5 + 1800
    assert "Paused. Say continue, or press the button, when you're ready." in said(records)


def test_skip_moves_on_to_the_next_stretch_at_once():
    at = TOWEL_RIGHT + 10
    records = simulate(START, (at, "skip this one"))
    cut = first(records, "hold_end", stretch="towel_stretch")
    assert cut["t"] == at and cut["completed"] is False
    assert first(records, "step", after=at - 0.001)["stretch"] == "heel_stretch"
    end = records[-1]
    assert end["type"] == "routine_end" and end["completed"] is True and end["skipped"] == ["towel_stretch"]


def test_skip_on_the_last_stretch_finishes():
    last = first(BASE, "hold_start", stretch="heel_stretch")["t"]
    records = simulate(START, (last + 3, "next"))
    assert records[-1]["type"] == "routine_end" and records[-1]["skipped"] == ["heel_stretch"]


def test_go_back_returns_to_the_previous_stretch():
    at = TOWEL_RIGHT + 3
    records = simulate(START, (at, "go back"))
    step = first(records, "step", after=at - 0.001)
    assert (step["stretch"], step["side"], step["rep"]) == ("foot_massage", "right", 1)
    assert [r["stretch"] for r in of_type(records, "stretch_done")].count("foot_massage") == 2


def test_go_back_on_the_first_stretch_starts_it_again():
    records = simulate(START, (10, "previous"))
    steps = of_type(records, "step")
    assert steps[0]["stretch"] == steps[1]["stretch"] == "toe_walk" and steps[1]["t"] == 10


def test_repeat_says_the_last_instruction_again():
    at = first(BASE, "step", stretch="ankle_circles", side="left")["t"] + 1
    records = simulate(START, (at, "say that again"))
    switch_words = "Now your left leg. Lower the other leg, lift your left foot, and circle the ankle."
    answers = [r["text"] for r in of_type(records, "say") if r["t"] == at]
    assert answers == [switch_words]
    assert shifted_timeline(records, at) == shifted_timeline(BASE, at)


def test_stop_ends_the_routine_now():
    records = simulate(START, (TOWEL_RIGHT + 4, "I'm done"))
    assert records[-1]["type"] == "routine_end" and records[-1]["t"] == TOWEL_RIGHT + 4
    assert records[-1]["completed"] is False and records[-1]["reason"] == "stopped"
    assert first(records, "hold_end", stretch="towel_stretch")["completed"] is False
    assert "Okay, stopping here. Well done for what you did." in said(records)


def test_time_left_on_this_side_and_in_the_whole_routine():
    at = TOWEL_RIGHT + 10
    records = simulate(START, (at, "how much time is left"))
    answers = [r["text"] for r in of_type(records, "say") if r["t"] == at]
    remaining = BASE[-1]["t"] - at
    assert answers[0] == "Twenty seconds left on this side."
    assert answers[1] == f"About {['', 'a minute', 'two minutes', 'three minutes'][round(remaining / 60)]} in the whole routine."
    assert shifted_timeline(records, at) == shifted_timeline(BASE, at)


def test_time_left_while_paused_counts_from_the_pause():
    at = TOWEL_RIGHT + 20
    records = simulate(START, (at, "pause"), (at + 60, "how long left"))
    answer = [r["text"] for r in of_type(records, "say") if r["t"] == at + 60][0]
    assert answer == "Ten seconds left on this side."


def test_whats_next_names_the_other_side_then_the_next_stretch():
    records = simulate(START, (TOWEL_RIGHT + 1, "what's next"))
    assert "Next is your left leg." in said(records)
    left = first(BASE, "hold_start", stretch="towel_stretch", side="left")["t"]
    records = simulate(START, (left + 1, "what comes next"))
    assert "Next is the heel stretch." in said(records)


def test_help_lists_what_can_be_said():
    records = simulate(START, (TOWEL_RIGHT, "what can I say"))
    assert any("pause, continue, skip, go back" in text for text in said(records))


def test_ouch_ends_the_hold_at_once_and_waits_gently():
    at = TOWEL_RIGHT + 6
    records = simulate(START, (at, "ouch that hurts"))
    cut = first(records, "hold_end", stretch="towel_stretch")
    assert cut["t"] == at and cut["completed"] is False
    answer = first(records, "say", after=at - 0.001)
    assert answer["urgent"] is True and answer["text"].startswith("Ease out of the stretch slowly")
    assert not [r for r in records if r["t"] > at and r["type"] in ("step", "hold_start")]


def test_after_ouch_continue_goes_on_to_the_next_side():
    at = TOWEL_RIGHT + 6
    records = simulate(START, (at, "ow"), (at + 30, "continue"))
    step = first(records, "step", after=at)
    assert (step["stretch"], step["side"], step["t"]) == ("towel_stretch", "left", at + 30)
    assert records[-1]["completed"] is True and "towel_stretch" in records[-1]["skipped"]


def test_after_ouch_stop_finishes_gently():
    records = simulate(START, (TOWEL_RIGHT + 6, "it hurts"), (TOWEL_RIGHT + 20, "stop"))
    assert records[-1]["type"] == "routine_end" and records[-1]["completed"] is False


def test_start_one_stretch_by_name():
    records = simulate((0, "start ankle circles"))
    assert of_type(records, "routine_start")[0]["mode"] == "stretch"
    assert {r["stretch"] for r in of_type(records, "step")} == {"ankle_circles"}
    assert [(s["side"], round(e["t"] - s["t"], 3)) for s, e in holds(records)] == [("right", 20), ("left", 20)]
    assert said(records)[-1] == "That's ankle circles done. Well done."
    assert records[-1]["completed"] is True


def test_naming_a_stretch_during_the_routine_jumps_to_it():
    records = simulate(START, (30, "let's do the towel stretch"))
    assert first(records, "step", after=29)["stretch"] == "towel_stretch"
    assert [r["stretch"] for r in of_type(records, "step")][-1] == "heel_stretch"


@pytest.mark.parametrize("text", ["pause", "skip", "go back", "stop", "continue", "ouch", "how much time is left"])
def test_commands_while_idle_get_a_short_answer_and_start_nothing(text):
    records = simulate((5, text))
    assert not of_type(records, "routine_start") and not of_type(records, "step")
    assert len(of_type(records, "say")) <= 1


def test_talk_that_is_not_a_command_is_recorded_and_ignored():
    records = simulate(START, (TOWEL_RIGHT + 2, "pause the movie"), (TOWEL_RIGHT + 3, "go back to sleep"))
    assert [r["text"] for r in of_type(records, "unrecognized")] == ["pause the movie", "go back to sleep"]
    assert shifted_timeline(records, 0) == shifted_timeline(BASE, 0)


def test_start_while_running_is_answered_kindly():
    records = simulate(START, (40, "start"))
    assert "We're already going. Say stop first if you want to start over." in said(records)
    assert shifted_timeline(records, 0) == shifted_timeline(BASE, 0)


def test_button_press_starts_pauses_and_resumes_long_press_stops():
    records = simulate((0, "button:press"), (30, "button:press"), (50, "button:press"), (70, "button:long"))
    assert [r["intent"] for r in of_type(records, "intent")] == ["start_routine", "pause", "resume", "stop"]
    assert [r["source"] for r in of_type(records, "intent")] == ["button"] * 4
    assert records[-1]["type"] == "routine_end" and records[-1]["reason"] == "stopped"


def test_double_press_skips():
    records = simulate(START, (TOWEL_RIGHT + 1, "button:double"))
    assert first(records, "step", after=TOWEL_RIGHT)["stretch"] == "heel_stretch"


def run_coach(coach, events):
    out = []
    for at, event in events:
        while (deadline := coach.next_deadline()) is not None and deadline <= at:
            out += coach.handle(Tick(), deadline)
        out += coach.handle(event, at)
    return out


def test_offer_to_continue_after_a_restart_picks_up_at_that_stretch_and_side():
    coach = Coach(ROUTINE)
    out = run_coach(coach, [(0, OfferResume("ankle_circles", "left")), (20, Heard(Intent("resume")))])
    assert out[0].text.startswith("We stopped during ankle circles on your left leg.")
    start = next(a for a in out if a.type == "routine_start")
    step = next(a for a in out if a.type == "step")
    assert (start.resumed, step.stretch, step.side) == (True, "ankle_circles", "left")


def test_offer_to_continue_is_forgotten_after_a_while():
    coach = Coach(ROUTINE)
    run_coach(coach, [(0, OfferResume("towel_stretch", "right"))])
    assert coach.state == State.OFFERING
    run_coach(coach, [(601, Heard(Intent("help")))])
    assert coach.state == State.IDLE and coach.next_deadline() is None


def test_a_problem_shows_on_the_led_until_it_clears():
    coach = Coach(ROUTINE)
    out = coach.handle(Problem("microphone", active=True), 0)
    assert out[0].pattern.value == "problem"
    assert coach.handle(Problem("microphone", active=True), 1) == []
    out = coach.handle(Problem("microphone", active=False), 2)
    assert out[0].pattern.value == "idle"


def test_listens_only_for_what_makes_sense():
    coach = Coach(ROUTINE)
    assert "pause" not in coach.listening_for() and "start_routine" in coach.listening_for()
    coach.handle(Heard(Intent("start_routine")), 0)
    assert {"pause", "stop", "pain", "time_left"} <= coach.listening_for()
    assert "start_routine" not in coach.listening_for()


def test_button_gestures_go_through_the_same_detector_as_the_pin():
    records = simulate((0, "button:press"), (100, "button:double"), (200, "button:long"))
    intents = [(r["intent"], r["t"]) for r in of_type(records, "intent")]
    # A press is known once the double-press window (0.4 s) after its release (0.15 s) has passed;
    # a double press as soon as the second press settles; a long press after 1.5 s held.
    assert intents == [("start_routine", 0.55), ("next", 100.35), ("stop", 201.5)]
