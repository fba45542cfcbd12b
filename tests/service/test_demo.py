"""`footstretch demo`: the README's main command, end to end on a virtual card and mock pins."""

import wave

import numpy as np
import pytest

from assistant.routine import default_routine
from tests.careless import OWN_FOLDERS, files_outside

pytestmark = pytest.mark.integration
ROUTINE = default_routine()


def test_the_demo_hears_the_spoken_start_and_completes_the_routine(demo):
    done, records, _ = demo
    assert done.returncode == 0, done.stderr[-2000:]
    intents = [r for r in records if r["type"] == "intent"]
    assert intents[0]["intent"] == "start_routine" and intents[0]["source"] == "voice"
    assert records[-1]["type"] == "routine_end" and records[-1]["completed"] is True
    assert "routine completed" in done.stdout and "stretch 6 of 6: heel_stretch, left side" in done.stdout


def test_every_hold_ends_on_time_through_the_real_service(demo):
    _, records, _ = demo
    starts = [r for r in records if r["type"] == "hold_start"]
    ends = [r for r in records if r["type"] == "hold_end"]
    assert len(starts) == len(ends) == 15
    # At twenty times real speed 0.25 s of routine time is 12.5 ms on the wall clock.
    assert all(abs(e["t"] - s["t"] - s["seconds"]) < 0.25 for s, e in zip(starts, ends))


def test_spoken_wav_holds_every_instruction_where_the_timeline_says(demo):
    _, records, out = demo
    with wave.open(str(out / "spoken.wav")) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64)
    assert abs(len(samples) / rate - records[-1]["t"]) < 15
    instructions = [r for r in records if r["type"] == "say" and r["kind"] == "instruction"]
    for say in instructions:
        start = int(say["t"] * rate)
        window = samples[start : start + int(1.5 * rate)]
        assert np.sqrt(np.mean(window**2)) > 300, f"silence where {say['text'][:40]!r} was said at {say['t']}"
    quiet = [r for r in records if r["type"] == "hold_start"][0]["t"] + 8
    assert np.abs(samples[int(quiet * rate) : int((quiet + 2) * rate)]).max() == 0


def test_the_led_followed_the_routine(demo):
    _, records, _ = demo
    patterns = [r["pattern"] for r in records if r["type"] == "led"]
    assert patterns[0] == "heard" and patterns[-1] == "done"
    assert patterns.count("hold") == 15 and "switch" in patterns


def test_the_demo_writes_nothing_outside_footstretchs_own_folders(demo, cache_home):
    _, _, out = demo
    assert files_outside(out / "home", OWN_FOLDERS) == []
    assert sorted(path.name for path in cache_home.iterdir()) == ["footstretch"]
