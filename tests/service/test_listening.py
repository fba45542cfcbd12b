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
