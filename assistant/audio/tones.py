"""Short generated tones for the countdown and the start and end of a hold.

They are made with numpy rather than shipped as files, so they match any
output rate exactly. Each is a pure sine with raised-cosine edges: a tone that
starts or stops at full level clicks, one that fades in and out over a few
milliseconds does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.audio.clip import Audio
from assistant.errors import InputError


@dataclass(frozen=True)
class ToneSpec:
    """How one tone sounds."""

    frequency: float
    """Pitch in Hz."""
    seconds: float
    """Length including the soft edges."""
    edge_seconds: float
    """Length of each raised-cosine fade."""
    level: float
    """Peak amplitude as a fraction of full scale."""


TONES: dict[str, ToneSpec] = {
    # A short high blip each second of a countdown: easy to tell from speech.
    "tick": ToneSpec(frequency=1320.0, seconds=0.07, edge_seconds=0.008, level=0.30),
    # The hold starts: a clear mid tone.
    "start": ToneSpec(frequency=880.0, seconds=0.20, edge_seconds=0.015, level=0.35),
    # The hold ends: lower and longer, so "done" sounds settled rather than urgent.
    "end": ToneSpec(frequency=587.33, seconds=0.35, edge_seconds=0.030, level=0.35),
}


def tone(name: str, rate: int = 22050) -> Audio:
    """The tone called `name` (`tick`, `start` or `end`) at `rate` Hz."""
    spec = TONES.get(name)
    if spec is None:
        raise InputError(f"unknown tone {name!r}; expected one of {', '.join(TONES)}")
    return _render(spec, rate)


@lru_cache(maxsize=16)
def _render(spec: ToneSpec, rate: int) -> Audio:
    count = round(spec.seconds * rate)
    t = np.arange(count) / rate
    wave = np.sin(2 * np.pi * spec.frequency * t)
    edge = min(round(spec.edge_seconds * rate), count // 2)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(edge) / edge)
    envelope = np.ones(count)
    envelope[:edge] = ramp
    envelope[count - edge :] = ramp[::-1]
    samples = np.round(wave * envelope * spec.level * 32767).astype(np.int16)
    return Audio(samples, rate)
