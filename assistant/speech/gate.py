"""A cheap gate in front of the listener: silence and steady noise are never decoded.

Noise suppression, the endpointer and the decoder cost the same on a silent
room as on speech, and the service listens all night. `VoiceGate` asks
webrtcvad, which costs microseconds a frame, about the microphone's own
samples, and lets audio through only once several 10 ms frames in a row sound
voiced, and for `HOLD_SECONDS` after. Once webrtcvad has learnt a fan 10 or
15 dB under the voice (half a minute), the fan no longer opens it.
`GatedListener` keeps the last `PREROLL_SECONDS` of what the gate held back,
so the quiet first consonant of a command is decoded with the rest, and tells
the listener how much was skipped, so its stream times and its quiet before a
command stay true.
"""

from __future__ import annotations

import collections
from typing import Any, Protocol

import numpy as np
import webrtcvad

from assistant.closing import Closing
from assistant.speech.vad import (
    FRAME, HANGOVER_FRAMES, ONSET_FRAMES, PREROLL_FRAMES, RATE, SETTLE_FRAMES, whole_frames,
)

VOICED_RUN = ONSET_FRAMES - 1
"""Voiced frames in a row (80 ms) that open the gate, or keep it open: one fewer than the
endpointer's onset, since the gate must open for all the endpointer would take for speech. On
the raw microphone, a fan 10 or 15 dB under a voice makes runs of up to 7 now and then; 3 kept
the gate open a third of the first half minute of a fan, and 8 a thirteenth, with no command of
three voices at four noise levels shut out (benchmarks/README-recognition.md, "The gate, and one
grammar for every state")."""
HOLD_SECONDS = 1.0
"""The gate stays open this long after the last voiced run: longer than the endpointer takes to
end an utterance and see quiet after it, with room for a word's quiet end."""
PREROLL_SECONDS = 0.6
"""Audio kept from before the gate opens: more than the endpointer's own pre-roll, so what it
keeps from before a command is real audio, never a gap."""

assert HOLD_SECONDS * RATE > (HANGOVER_FRAMES + SETTLE_FRAMES) * FRAME
assert PREROLL_SECONDS * RATE > PREROLL_FRAMES * FRAME


class VoiceGate:
    """Decides, block by block, whether audio may hold speech."""

    def __init__(self) -> None:
        self._vad = webrtcvad.Vad(3)
        self._pending = np.zeros(0, np.int16)
        self._run = 0
        self._since_voiced = 0
        """Samples since the last voiced run; the gate starts open."""

    def hears(self, samples: np.ndarray) -> bool:
        """Take 16 kHz int16 samples; True while they, or what came just before, may be speech."""
        frames, self._pending = whole_frames(self._pending, samples)
        for frame in frames:
            voiced = self._vad.is_speech(frame.tobytes(), RATE)
            self._run = self._run + 1 if voiced else 0
            self._since_voiced = 0 if self._run >= VOICED_RUN else self._since_voiced + FRAME
        return self._since_voiced < HOLD_SECONDS * RATE


class Listener(Protocol):
    """What `GatedListener` drives: `CommandListener` or `ListenerProcess`."""

    backend: str

    def feed(self, frames: np.ndarray) -> list[Any]: ...
    def skip(self, samples: int) -> None: ...
    def pause(self) -> list[Any]: ...
    def flush(self) -> list[Any]: ...
    def listen_for(self, intents: frozenset[str] | None) -> None: ...
    def reset(self) -> None: ...
    def close(self) -> None: ...


class GatedListener(Closing):
    """A listener that is handed only what the voice gate lets through; same methods."""

    def __init__(self, listener: Listener) -> None:
        self._listener = listener
        self._gate = VoiceGate()
        self._open = True
        self._held: collections.deque[np.ndarray] = collections.deque()
        """What the shut gate holds back, newest last: at most PREROLL_SECONDS."""
        self._held_samples = 0
        self._skipped = 0
        """Samples held back and let go since the gate shut, not yet told to the listener."""

    @property
    def backend(self) -> str:
        """The listener's decoder ("vosk" or "pocketsphinx")."""
        return self._listener.backend

    @property
    def is_open(self) -> bool:
        """The gate let the last samples through: someone may be speaking."""
        return self._open

    def feed(self, frames: np.ndarray) -> list[Any]:
        """Take 16 kHz int16 mono samples; return the commands whose utterance just ended."""
        hears = self._gate.hears(frames)
        if hears and not self._open:
            self._open = True
            self._listener.skip(self._skipped)
            frames = np.concatenate([*self._held, frames])
            self._held.clear()
            self._held_samples = self._skipped = 0
        if self._open:
            heard = self._listener.feed(frames)
            if not hears:
                # Shut: decide what the listener still holds now, not when someone next speaks.
                self._open = False
                heard += self._listener.pause()
            return heard
        self._hold_back(frames)
        return []

    def _hold_back(self, frames: np.ndarray) -> None:
        self._held.append(np.asarray(frames, dtype=np.int16).copy())
        self._held_samples += len(frames)
        while self._held_samples - len(self._held[0]) >= PREROLL_SECONDS * RATE:
            dropped = len(self._held.popleft())
            self._held_samples -= dropped
            self._skipped += dropped

    def flush(self) -> list[Any]:
        """End the stream: decide on an utterance still open."""
        return self._listener.flush() if self._open else []

    def listen_for(self, intents: frozenset[str] | None) -> None:
        """Report only these intents (None: all)."""
        self._listener.listen_for(intents)

    def reset(self) -> None:
        """Drop any utterance in progress."""
        self._listener.reset()

    def close(self) -> None:
        """Close the listener; idempotent."""
        self._listener.close()
