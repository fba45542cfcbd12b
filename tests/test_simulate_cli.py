"""`footstretch simulate` as other tools use it: JSON lines on stdout."""

import json
import subprocess
import sys


def simulate(*args):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "simulate", *args],
        capture_output=True, text=True, timeout=60,
    )
    return result


def test_start_runs_the_whole_routine_to_a_completed_end():
    result = simulate("--event", "0:start my foot stretches", "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert records[-1]["type"] == "routine_end" and records[-1]["completed"] is True
    starts = [r for r in records if r["type"] == "hold_start"]
    ends = [r for r in records if r["type"] == "hold_end"]
    assert len(starts) == len(ends) == 15
    assert all(round(e["t"] - s["t"], 3) == s["seconds"] for s, e in zip(starts, ends))
    assert all(set(r) >= {"t", "type"} for r in records)


def test_events_and_button_presses_mix():
    result = simulate(
        "--event", "0:start my foot stretches", "--button", "30:press", "--event", "45.5:continue",
        "--button", "60:long", "--json",
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = [(r["intent"], r["source"]) for r in records if r["type"] == "intent"]
    assert kinds == [("start_routine", "text"), ("pause", "button"), ("resume", "text"), ("stop", "button")]
    assert records[-1]["type"] == "routine_end" and records[-1]["completed"] is False


def test_human_readable_output_by_default():
    result = simulate("--event", "0:start ankle circles")
    assert "hold_start" in result.stdout and "ankle_circles" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_bad_arguments_get_a_clear_message_and_exit_code_2():
    result = simulate("--event", "soon:pause")
    assert result.returncode == 2 and "expected SECONDS:VALUE" in result.stderr
    result = simulate("--button", "3:triple")
    assert result.returncode == 2 and "press, long or double" in result.stderr
