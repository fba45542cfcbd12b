"""Round trip: what `footstretch say` writes, `footstretch recognize` hears as the same command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("rate", ["1.0", "0.8"], ids=["normal", "slower"])
def test_say_then_recognize_gives_the_command_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rate: str
) -> None:
    wav = tmp_path / "x.wav"
    assert main(["say", "start ankle circles", "--rate", rate, "--out", str(wav)]) == 0
    capsys.readouterr()
    assert main(["recognize", str(wav), "--backend", "pocketsphinx", "--json"]) == 0
    heard = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(h["intent"], h["slots"]) for h in heard] == [("start_stretch", {"stretch": "ankle_circles"})]
