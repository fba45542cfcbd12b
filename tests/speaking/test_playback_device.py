"""Playback through PortAudio into the virtual sound card, checked in what landed in its file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio.tones import TONES
from assistant.speech.tts import Voice
from tests.speaking.helpers import dominant_frequency, run_on_virtual_card, segments, sound_span

pytestmark = pytest.mark.integration

PLAY_WAV = """
    import json, sys
    from assistant.audio.clip import Audio
    from assistant.audio.playback import Speaker
    audio = Audio.read_wav({wav!r})
    with Speaker(rate={rate!r}, volume={volume!r}) as speaker:
        playback = speaker.play(audio)
        completed = playback.finished.result(timeout=30)
        print(json.dumps({{"rate": speaker.rate, "channels": speaker.channels,
                          "completed": completed, "playing": speaker.is_playing}}))
"""


@pytest.fixture(scope="module")
def prompt_wav(voice: Voice, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    audio = voice.synthesize("Ready? Hold for thirty seconds.")
    return audio.write_wav(tmp_path_factory.mktemp("prompt") / "prompt.wav"), audio.duration


@pytest.mark.parametrize("rate", [None, 48000], ids=["voice-rate", "resampled-48k"])
def test_a_prompt_plays_whole_unclipped_and_audible(
    prompt_wav: tuple[Path, float], tmp_path: Path, rate: int | None
) -> None:
    wav, duration = prompt_wav
    run = run_on_virtual_card(tmp_path, PLAY_WAV.format(wav=str(wav), rate=rate, volume=1.0))
    out = run.output
    assert out["completed"] is True and out["playing"] is False
    assert out["rate"] == (rate or 22050)
    speech = sound_span(run.played, threshold=300)
    # All of it arrived, at the stream's rate (resampled when it is not the voice's).
    assert speech.size / out["rate"] == pytest.approx(duration, abs=0.4)
    level = np.sqrt(np.mean(speech.astype(np.float64) ** 2))
    assert level > 1000
    assert np.abs(speech.astype(np.int32)).max() < 32767


def test_night_volume_makes_the_same_prompt_quieter(prompt_wav: tuple[Path, float], tmp_path: Path) -> None:
    wav, _ = prompt_wav
    script = """
        import json
        from datetime import datetime, time
        from assistant.audio.clip import Audio
        from assistant.audio.playback import Speaker, VolumePolicy
        audio = Audio.read_wav({wav!r})
        policy = VolumePolicy(volume=1.0, night_volume=0.25, night_start=time(22), night_end=time(7))
        with Speaker(volume=policy, clock=lambda: datetime(2024, 5, 1, 23, 30)) as speaker:
            print(json.dumps({{"completed": speaker.play(audio).finished.result(timeout=30)}}))
    """
    night = run_on_virtual_card(tmp_path / "night", script.format(wav=str(wav)))
    day = run_on_virtual_card(tmp_path / "day", PLAY_WAV.format(wav=str(wav), rate=None, volume=1.0))
    ratio = np.abs(sound_span(night.played).astype(np.int32)).max() / np.abs(sound_span(day.played)).max()
    assert ratio == pytest.approx(0.25, abs=0.02)


def test_tones_arrive_at_their_own_pitches(tmp_path: Path) -> None:
    script = """
        import json
        import numpy as np
        from assistant.audio.clip import Audio
        from assistant.audio.playback import Speaker
        from assistant.audio.tones import tone
        gap = Audio(np.zeros(4410, dtype=np.int16), 22050)
        with Speaker() as speaker:
            for name in ("tick", "start", "end"):
                speaker.play(tone(name))
                last = speaker.play(gap)
            print(json.dumps({"completed": last.finished.result(timeout=30), "rate": speaker.rate}))
    """
    run = run_on_virtual_card(tmp_path, script)
    rate = run.output["rate"]
    found = segments(run.played, rate, min_gap=0.1)
    assert len(found) == 3
    for piece, name in zip(found, ("tick", "start", "end")):
        assert dominant_frequency(piece, rate) == pytest.approx(TONES[name].frequency, rel=0.03)
        assert piece.size / rate == pytest.approx(TONES[name].seconds, abs=0.01)


def test_a_clip_that_starts_at_full_level_still_starts_without_a_click(tmp_path: Path) -> None:
    script = """
        import json
        import numpy as np
        from assistant.audio.clip import Audio
        from assistant.audio.playback import FADE_IN_SECONDS, Speaker
        harsh = Audio(np.full(2205, 20000, dtype=np.int16), 22050)  # a step: would click unfaded
        with Speaker() as speaker:
            print(json.dumps({"completed": speaker.play(harsh).finished.result(timeout=30),
                              "fade": round(FADE_IN_SECONDS * speaker.rate)}))
    """
    run = run_on_virtual_card(tmp_path, script)
    played = sound_span(run.played).astype(np.int32)
    fade = run.output["fade"]
    assert played[0] < 0.05 * 20000 and played[-1] < 0.05 * 20000
    assert (np.diff(played[:fade]) >= 0).all()
    assert (played[fade : -fade] == 20000).all()


def test_a_missing_output_device_is_a_device_error(tmp_path: Path) -> None:
    script = """
        import json
        from assistant.audio.playback import Speaker
        from assistant.errors import DeviceError
        try:
            Speaker("no-such-card")
        except DeviceError as error:
            print(json.dumps({"error": str(error)}))
    """
    assert "no-such-card" in run_on_virtual_card(tmp_path, script).output["error"]


def test_close_is_idempotent_and_playing_after_close_is_refused(tmp_path: Path) -> None:
    script = """
        import json
        import numpy as np
        from assistant.audio.clip import Audio
        from assistant.audio.playback import Speaker
        from assistant.errors import DeviceError
        speaker = Speaker()
        speaker.close()
        speaker.close()
        try:
            speaker.play(Audio(np.zeros(10, dtype=np.int16), 22050))
        except DeviceError as error:
            print(json.dumps({"error": str(error)}))
    """
    assert "closed" in run_on_virtual_card(tmp_path, script).output["error"]


def test_footstretch_say_plays_the_sentence(tmp_path: Path) -> None:
    script = """
        import json
        from assistant.cli import main
        print(json.dumps({"code": main(["say", "Good. Rest for a moment.", "--rate", "0.8"])}))
    """
    run = run_on_virtual_card(tmp_path, script)
    assert run.output == {"code": 0}
    speech = sound_span(run.played, threshold=300)
    assert 1.0 < speech.size / 22050 < 5.0


def test_a_paced_speaker_plays_in_step_with_the_pacer(tmp_path: Path) -> None:
    script = """
        import json, time
        import numpy as np
        from assistant.audio.clip import Audio
        from assistant.audio.playback import Speaker
        second = Audio(np.full(22050, 1000, dtype=np.int16), 22050)
        with Speaker(pace=4.0) as speaker:
            began = time.monotonic()
            speaker.play(second).finished.result(timeout=30)
            print(json.dumps({"elapsed": time.monotonic() - began}))
    """
    # Unpaced, the virtual card swallows a second of audio in a few milliseconds.
    assert run_on_virtual_card(tmp_path, script).output["elapsed"] >= 0.2
