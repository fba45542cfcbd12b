"""What the running service listens for, through the real microphone path and decoder."""

import numpy as np
import pytest

from tests.service.conftest import voice_intents

pytestmark = pytest.mark.integration


def test_from_boot_it_hears_only_what_starts_a_routine(run_service, speak):
    # Someone says "skip" before anything has happened: idle, that is not a command.
    run = run_service(capture=np.concatenate([speak("skip"), speak("start ankle circles")]))
    assert run.returncode == 0, run.log[-2000:]
    assert [r["intent"] for r in voice_intents(run)] == ["start_stretch"]
    assert run.records[-1]["type"] == "routine_end" and run.records[-1]["completed"] is True


def test_a_command_said_over_the_coach_is_heard(run_service, speak):
    """People do not wait for a machine to finish its sentence: "what's next", said three seconds
    into the ten-second instruction for ankle circles, is answered, not dropped as the coach's voice."""
    capture = np.concatenate([np.zeros(3 * 16000, dtype=np.int16), speak("what's next")])
    run = run_service(capture=capture, start_text="start ankle circles", speed=1.0, until_done=False, stop_after=15)
    assert run.returncode == 0, run.log[-2000:]
    heard = voice_intents(run)
    assert [r["intent"] for r in heard] == ["whats_next"], run.log[-2000:]
    instruction = next(r for r in run.of_type("say") if r["kind"] == "instruction")
    assert instruction["t"] < heard[0]["t"] < instruction["t"] + 8
