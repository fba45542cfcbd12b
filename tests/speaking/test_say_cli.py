"""`footstretch say TEXT --out FILE.wav`: the sentence in a WAV file, and clear errors."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.clip import Audio
from assistant.cli import main

pytestmark = pytest.mark.integration


def test_say_writes_a_wav_of_the_sentence(tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    assert main(["say", "start ankle circles", "--out", str(out)]) == 0
    with wave.open(str(out)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    audio = Audio.read_wav(out)
    assert 0.8 < audio.duration < 3.0
    assert np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2)) > 1000


def test_say_slower_makes_a_longer_file(tmp_path: Path) -> None:
    main(["say", "Hold for thirty seconds.", "--out", str(tmp_path / "normal.wav")])
    main(["say", "Hold for thirty seconds.", "--rate", "0.7", "--out", str(tmp_path / "slow.wav")])
    normal, slow = Audio.read_wav(tmp_path / "normal.wav"), Audio.read_wav(tmp_path / "slow.wav")
    assert slow.duration > 1.25 * normal.duration


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--rate", "5"], "rate"), (["--volume", "3"], "--volume"), (["--out", "/nonexistent/dir/x.wav"], "cannot write")],
)
def test_bad_arguments_give_one_clear_line(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["say", "hello", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_voice_still_speaks_with_the_default(tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    assert main(["say", "Next.", "--voice", "en_GB-nobody-medium", "--out", str(out)]) == 0
    assert Audio.read_wav(out).duration > 0.2
