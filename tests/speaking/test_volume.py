"""The volume policy: quieter between the night hours, whatever the clock says."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from assistant.audio.playback import VolumePolicy
from assistant.errors import ConfigError

NIGHT_OVER_MIDNIGHT = VolumePolicy(volume=0.8, night_volume=0.3, night_start=time(22, 0), night_end=time(7, 30))


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(12, 0, 0.8), (21, 59, 0.8), (22, 0, 0.3), (23, 30, 0.3), (0, 0, 0.3), (7, 29, 0.3), (7, 30, 0.8)],
)
def test_night_volume_applies_across_midnight(hour: int, minute: int, expected: float) -> None:
    assert NIGHT_OVER_MIDNIGHT.volume_at(datetime(2024, 3, 1, hour, minute)) == expected


def test_a_night_window_within_one_day() -> None:
    nap = VolumePolicy(volume=1.0, night_volume=0.2, night_start=time(13, 0), night_end=time(15, 0))
    assert nap.volume_at(datetime(2024, 3, 1, 14, 0)) == 0.2
    assert nap.volume_at(datetime(2024, 3, 1, 15, 0)) == 1.0
    assert nap.volume_at(datetime(2024, 3, 1, 23, 0)) == 1.0


def test_equal_start_and_end_means_no_night() -> None:
    always = VolumePolicy(volume=0.7, night_volume=0.1, night_start=time(0, 0), night_end=time(0, 0))
    assert always.volume_at(datetime(2024, 3, 1, 3, 0)) == 0.7


@pytest.mark.parametrize("field", ["volume", "night_volume"])
def test_volume_outside_zero_to_one_is_a_config_error(field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        VolumePolicy(**{field: 1.5})
