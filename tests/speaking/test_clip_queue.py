"""What the audio callback writes: clips in order, silence between, urgent cuts that fade."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.playback import CUT_FADE_SECONDS, ClipQueue, Playback, choose_rate, fade
from assistant.errors import DeviceError

RATE = 8000


class Recorder:
    """Collects what the queue reports as finished, in order."""

    def __init__(self) -> None:
        self.finished: list[tuple[Playback, bool]] = []

    def __call__(self, playback: Playback, completed: bool) -> None:
        self.finished.append((playback, completed))


def level(value: int, count: int) -> np.ndarray:
    return np.full(count, value, dtype=np.int16)


def pull(clips: ClipQueue, frames: int, channels: int = 1) -> np.ndarray:
    out = np.full((frames, channels), 12345, dtype=np.int16)  # garbage the queue must overwrite
    clips.fill(out)
    return out


def test_clips_play_back_to_back_then_silence() -> None:
    recorder = Recorder()
    clips = ClipQueue(RATE, recorder)
    first, second = Playback(0), Playback(0)
    clips.add(level(100, 30), first)
    clips.add(level(200, 20), second)
    out = pull(clips, 64)[:, 0]
    assert list(out[:30]) == [100] * 30
    assert list(out[30:50]) == [200] * 20
    assert not out[50:].any()
    assert recorder.finished == [(first, True), (second, True)]
    assert first.started_at is not None and second.started_at is not None
    assert not clips.busy


def test_a_clip_longer_than_one_buffer_spans_several_callbacks() -> None:
    recorder = Recorder()
    clips = ClipQueue(RATE, recorder)
    clips.add(np.arange(100, dtype=np.int16), Playback(0))
    played = np.concatenate([pull(clips, 32)[:, 0] for _ in range(4)])
    assert list(played[:100]) == list(range(100))
    assert not played[100:].any()
    assert len(recorder.finished) == 1


def test_stereo_devices_get_the_clip_on_both_channels() -> None:
    clips = ClipQueue(RATE, Recorder())
    clips.add(level(300, 10), Playback(0))
    out = pull(clips, 10, channels=2)
    assert (out == 300).all()


def test_an_idle_queue_writes_silence() -> None:
    assert not pull(ClipQueue(RATE, Recorder()), 16).any()


def test_urgent_clip_cuts_the_current_one_with_a_short_fade_and_drops_the_queue() -> None:
    recorder = Recorder()
    clips = ClipQueue(RATE, recorder)
    talking, waiting, urgent = Playback(0), Playback(0), Playback(0)
    clips.add(level(10000, RATE), talking)  # one second
    clips.add(level(5000, RATE), waiting)
    pull(clips, 100)
    clips.add(level(-7000, 50), urgent, urgent=True)
    assert recorder.finished == [(waiting, False)]
    cut = round(CUT_FADE_SECONDS * RATE)
    out = pull(clips, cut + 100)[:, 0].astype(np.int32)
    tail = out[:cut]
    # The old clip fades from its level down to about zero, never stepping up...
    assert tail[0] > 9000 and abs(tail[-1]) < 200
    assert (np.diff(tail) <= 0).all()
    # ...and the urgent clip follows at once; the queued one never plays.
    assert (out[cut : cut + 50] == -7000).all()
    assert not (out == 5000).any()
    assert recorder.finished == [(waiting, False), (talking, False), (urgent, True)]


def test_stop_fades_out_and_leaves_silence() -> None:
    recorder = Recorder()
    clips = ClipQueue(RATE, recorder)
    talking = Playback(0)
    clips.add(level(10000, RATE), talking)
    pull(clips, 10)
    clips.stop()
    out = pull(clips, 1000)[:, 0]
    cut = round(CUT_FADE_SECONDS * RATE)
    assert abs(int(out[cut - 1])) < 200 and not out[cut:].any()
    assert recorder.finished == [(talking, False)]


def test_drain_hands_back_every_unfinished_clip() -> None:
    clips = ClipQueue(RATE, Recorder())
    first, second = Playback(0), Playback(0)
    clips.add(level(1, 100), first)
    clips.add(level(1, 100), second)
    pull(clips, 10)
    assert clips.drain() == [first, second]
    assert not clips.busy


def test_fade_starts_and_ends_at_zero_and_keeps_the_middle() -> None:
    faded = fade(level(10000, 200), 40, 40)
    assert abs(faded[0]) < 0.01 * 10000 and abs(faded[-1]) < 0.01 * 10000
    assert (faded[40:160] == 10000).all()
    assert (np.diff(faded[:40]) > 0).all()


def test_fade_of_a_clip_shorter_than_the_fade_does_not_fail() -> None:
    assert len(fade(level(10000, 3), 40, 40)) == 3


@pytest.mark.parametrize(
    ("supported", "default", "expected"),
    [({22050, 48000}, 48000, 22050), ({48000}, 48000, 48000), ({44100}, None, 44100), ({16000}, 32000, 16000)],
)
def test_rate_is_the_voice_rate_when_possible_else_one_the_device_takes(
    supported: set[int], default: int | None, expected: int
) -> None:
    assert choose_rate(supported.__contains__, 22050, default) == expected


def test_a_device_that_takes_no_usual_rate_is_a_device_error() -> None:
    with pytest.raises(DeviceError, match="22050"):
        choose_rate(lambda rate: False, 22050, 96000)
