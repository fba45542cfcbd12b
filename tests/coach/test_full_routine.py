"""A whole routine with nobody saying anything after "start my foot stretches"."""

from tests.coach.helpers import ROUTINE, holds, of_type, said, simulate

FULL = simulate((0, "start my foot stretches"))


def test_runs_every_stretch_side_and_rep_in_order_to_a_completed_end():
    expected = [
        (s.id, side, rep)
        for s in ROUTINE.stretches
        for side in s.side_names
        for rep in range(1, s.reps + 1)
    ]
    steps = [(r["stretch"], r["side"], r["rep"]) for r in of_type(FULL, "step")]
    assert steps == expected
    assert [(s["stretch"], s["side"], s["rep"]) for s, _ in holds(FULL)] == expected
    end = of_type(FULL, "routine_end")
    assert end == [FULL[-1]] and end[0]["completed"] is True and end[0]["skipped"] == []


def test_every_hold_lasts_exactly_its_seconds():
    for start, end in holds(FULL):
        seconds = ROUTINE.stretch(start["stretch"]).seconds
        assert start["seconds"] == seconds
        assert round(end["t"] - start["t"], 3) == seconds
        assert end["completed"] is True


def test_every_stretch_is_recorded_done():
    assert [r["stretch"] for r in of_type(FULL, "stretch_done")] == [s.id for s in ROUTINE.stretches]


def test_says_how_to_get_into_position_before_each_first_hold():
    for stretch in ROUTINE.stretches:
        announce = next(r for r in of_type(FULL, "say") if stretch.position in r["text"])
        first_hold = next(s for s, _ in holds(FULL) if s["stretch"] == stretch.id)
        assert announce["t"] < first_hold["t"]
    words = said(FULL)
    assert words[1].startswith("Stretch one of six: toe walking.")
    assert words[-1] == "That's all six. Well done. Rest now, and sleep well."


def test_gives_time_to_get_ready_then_starts_the_clock_on_starting_now():
    for start, _ in holds(FULL):
        at = start["t"]
        before = [r for r in FULL if r["type"] == "say" and r["t"] < at]
        same = [r["text"] for r in FULL if r["type"] == "say" and r["t"] == at]
        assert before[-1]["text"].startswith("Ready? Hold for")
        assert round(at - before[-1]["t"], 3) == ROUTINE.ready_seconds
        assert "Starting now." in same


def test_switches_sides_aloud():
    words = said(FULL)
    assert "Now your left foot. Move the ball under your left arch and keep rolling." in words
    assert any(text.startswith("Now your left leg.") for text in words)


def test_counts_rounds_of_the_toe_stretch():
    words = said(FULL)
    assert words.count("Relax. Round two of three next.") == 2
    assert words.count("Relax. Round three of three next.") == 2


def test_halfway_cue_and_countdown_fit_inside_a_thirty_second_hold():
    start, end = next((s, e) for s, e in holds(FULL) if s["stretch"] == "towel_stretch")
    inside = [r for r in FULL if r["type"] == "say" and start["t"] < r["t"] < end["t"]]
    assert inside[0]["text"].startswith("Halfway") and inside[0]["t"] - start["t"] == 15
    counts = [(round(r["t"] - start["t"], 3), r["text"]) for r in inside if r["kind"] == "count"]
    assert counts == [(25, "Five."), (26, "Four."), (27, "Three."), (28, "Two."), (29, "One.")]


def test_beeps_when_each_hold_starts_and_ends():
    beeps = of_type(FULL, "beep")
    assert [b["tone"] for b in beeps] == ["start", "end"] * len(holds(FULL))


def test_led_follows_the_state():
    leds = [r["pattern"] for r in of_type(FULL, "led")]
    assert leds[0] == "heard" and leds[-1] == "done"
    assert {"ready", "hold", "switch"} <= set(leds)
    hold_leds = [r for r in of_type(FULL, "led") if r["pattern"] == "hold"]
    assert all(r["seconds"] == ROUTINE.stretch(s["stretch"]).seconds for r, (s, _) in zip(hold_leds, holds(FULL)))
