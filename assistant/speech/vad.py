"""Endpointing: cut a 16 kHz stream into utterances with webrtcvad.

A command is acted on as soon as the person stops speaking, so the end of an
utterance is declared after a short run of non-speech frames, and a little
more quiet says that talk did not go on after it. A little audio
from before the onset is kept, because the first consonant ("s" of "stop")
is quiet and often judged non-speech.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np
import webrtcvad

RATE = 16000
"""Samples per second of what the endpointer, the noise suppressors and the decoders take."""
FRAME = 160
"""Samples per VAD frame: 10 ms, the shortest webrtcvad accepts. With 30 ms frames the end of
speech was seen up to 20 ms later, and a frame waited that much longer to fill."""
ONSET_FRAMES = 9
"""Voiced frames in a row (90 ms) that begin an utterance."""
HANGOVER_FRAMES = 15
"""Non-speech frames (150 ms) that end an utterance, and the decoder reads it. On the tuning split,
with 30 ms frames, 210 ms took 332 ms from the end of speech to the command, 150 ms took 274 ms and
heard as many commands with the same false commands; 120 ms began to cut slow commands in two."""
SETTLE_FRAMES = 20
"""Non-speech frames (200 ms) after which an ended utterance is followed by quiet, not more talk,
and its command is acted on. Talk pauses at a comma for longer than HANGOVER_FRAMES ("Go on, read
it out"): its first phrase ends an utterance, then talk goes on. Over the long talk benchmark,
waiting 240 ms took false commands from piper's voice from 15 to 9, but the median time from the
end of a command to acting on it from 256-261 ms to 335-338 ms, over its 300 ms target. 200 ms
took that to 279-289 ms with 10 ms microphone blocks (296-302 ms with 30 ms), and let two comma fragments more
through over the long talk (13 against 11 in one run; benchmarks/README-recognition.md)."""
PREROLL_FRAMES = 30
"""Frames (300 ms) kept from before the onset: the first consonant ("s" of "stop") is quiet."""


def whole_frames(pending: np.ndarray, samples: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """`pending` then `samples` cut into FRAME-long frames, and what is left over for next time."""
    data = np.concatenate([pending, np.asarray(samples, dtype=np.int16).ravel()])
    whole = len(data) // FRAME * FRAME
    return [data[offset: offset + FRAME] for offset in range(0, whole, FRAME)], data[whole:]


@dataclass(frozen=True)
class VadEvent:
    """What the endpointer saw in one frame: speech began, continued or ended."""

    kind: str
    """"start" (with the pre-roll audio), "speech", "end", or "quiet" (the last utterance's end
    has been followed by SETTLE_FRAMES of non-speech, with no new start)."""
    audio: np.ndarray
    time: float
    """Seconds in the stream at the start of `audio` (for "end": where speech stopped)."""
    onset: float = 0.0
    """For "start": where the voiced frames that opened the utterance begin (`audio` starts earlier)."""


class Endpointer:
    """Feeds 10 ms frames to webrtcvad and reports utterance start, audio and end."""

    def __init__(self, aggressiveness: int = 3, onset_frames: int = ONSET_FRAMES, hangover_frames: int = HANGOVER_FRAMES,
                 preroll_frames: int = PREROLL_FRAMES, settle_frames: int = SETTLE_FRAMES) -> None:
        self._vad = webrtcvad.Vad(aggressiveness)
        self._onset = onset_frames
        self._hangover = hangover_frames
        self._settle = settle_frames
        self._settling = False
        self._history: collections.deque[tuple[np.ndarray, bool]] = collections.deque(maxlen=preroll_frames)
        self._pending = np.zeros(0, np.int16)
        self._frames_seen = 0
        self._in_speech = False
        self._silent_run = 0
        self._last_voiced_end = 0.0

    @property
    def in_speech(self) -> bool:
        """True between a reported start and its end."""
        return self._in_speech

    def reset(self) -> None:
        """Forget any partial utterance (the stream position keeps counting)."""
        self._history.clear()
        self._in_speech = self._settling = False
        self._silent_run = 0

    def skip(self, samples: int) -> None:
        """Count `samples` of quiet that were never fed (a shut `gate.VoiceGate`), so stream times stay true."""
        self.reset()
        total = len(self._pending) + samples
        self._frames_seen += total // FRAME
        self._pending = np.zeros(total % FRAME, np.int16)

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        """Take any number of 16 kHz int16 samples; return the events they complete."""
        frames, self._pending = whole_frames(self._pending, samples)
        events: list[VadEvent] = []
        for frame in frames:
            events += self._frame(frame)
        return events

    def flush(self) -> list[VadEvent]:
        """End an utterance still open at the end of a stream, which is followed by quiet."""
        ended = [VadEvent("end", np.zeros(0, np.int16), self._last_voiced_end)] if self._in_speech else []
        settled = self._in_speech or self._settling
        self.reset()
        return [*ended, VadEvent("quiet", np.zeros(0, np.int16), self._last_voiced_end)] if settled else []

    def _frame(self, frame: np.ndarray) -> list[VadEvent]:
        start = self._frames_seen * FRAME / RATE
        self._frames_seen += 1
        voiced = self._vad.is_speech(frame.tobytes(), RATE)
        if voiced:
            self._last_voiced_end = start + FRAME / RATE
        if self._in_speech:
            self._silent_run = 0 if voiced else self._silent_run + 1
            if self._silent_run >= self._hangover:
                self._history.clear()
                self._in_speech, self._settling = False, True
                return [VadEvent("speech", frame, start), VadEvent("end", np.zeros(0, np.int16), self._last_voiced_end)]
            return [VadEvent("speech", frame, start)]
        self._silent_run = 0 if voiced else self._silent_run + 1
        self._history.append((frame, voiced))
        if self._settling and self._silent_run >= self._settle:
            self._settling = False
            return [VadEvent("quiet", np.zeros(0, np.int16), self._last_voiced_end)]
        recent = [flag for _, flag in list(self._history)[-self._onset:]]
        if len(recent) == self._onset and all(recent):
            audio = np.concatenate([chunk for chunk, _ in self._history])
            begins = start + FRAME / RATE - len(audio) / RATE
            self._history.clear()
            self._in_speech, self._settling, self._silent_run = True, False, 0
            return [VadEvent("start", audio, begins, onset=start + (1 - self._onset) * FRAME / RATE)]
        return []
