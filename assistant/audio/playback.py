"""Playing prompts and tones through one sounddevice output stream that stays open.

Opening a stream per sentence is what makes USB and HAT sound cards pop and
swallow the first syllable, so the `Speaker` opens one stream at start and
keeps it running, writing silence between clips. Each clip gets a short
fade-in and fade-out; an urgent clip (the person said "stop") cuts the current
one short with a quick fade and drops whatever was queued.

The PortAudio callback only copies samples: clips are resampled, scaled and
faded in `play()`, on the caller's thread, and the handles of finished clips
are resolved by a small notifier thread, never by the callback itself.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock_time
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.audio.clip import Audio
from assistant.closing import Closing
from assistant.errors import ConfigError, DeviceError

if TYPE_CHECKING:
    from assistant.config import AudioSettings
    from assistant.echo_gate import LevelTrack

logger = logging.getLogger(__name__)

FADE_IN_SECONDS = 0.005
FADE_OUT_SECONDS = 0.005
CUT_FADE_SECONDS = 0.020
"""An urgent prompt fades the current one out over this long rather than chopping it."""
PREFERRED_RATE = 22050
"""Piper's medium voices speak at 22.05 kHz; a device that takes it needs no resampling."""
FALLBACK_RATES = (48000, 44100, 16000)
OUTPUT_LATENCY_SECONDS = 0.15
"""How much audio the output stream buffers. The stream runs all night writing silence, and each
callback costs the same however short: PortAudio's "high" latency on the virtual card (35 ms)
called it 115 times a second, 2 % of one core of this machine, against 0.8 % at 0.15 s. A cut
("stop") is heard that much later at most, and levels are stamped with when they reach the
device (`EchoGate`)."""


@dataclass(frozen=True)
class VolumePolicy:
    """How loud to play: `volume` by day, `night_volume` from `night_start` to `night_end`."""

    volume: float = 1.0
    """Gain by day, 0 to 1."""
    night_volume: float = 0.5
    """Gain at night, 0 to 1."""
    night_start: clock_time = clock_time(21, 0)
    """When night begins (local time)."""
    night_end: clock_time = clock_time(7, 0)
    """When night ends; may be earlier than `night_start` (the night spans midnight)."""

    def __post_init__(self) -> None:
        for name in ("volume", "night_volume"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be between 0 and 1, not {value}")

    @classmethod
    def from_settings(cls, audio: "AudioSettings") -> "VolumePolicy":
        """The policy of the config's `[audio]` section (times as "HH:MM")."""
        return cls(
            volume=audio.volume,
            night_volume=audio.night_volume,
            night_start=clock_time.fromisoformat(audio.night_start),
            night_end=clock_time.fromisoformat(audio.night_end),
        )

    def is_night(self, when: datetime) -> bool:
        """True when `when` falls inside the night window."""
        now = when.time()
        if self.night_start == self.night_end:
            return False
        if self.night_start < self.night_end:
            return self.night_start <= now < self.night_end
        return now >= self.night_start or now < self.night_end

    def volume_at(self, when: datetime) -> float:
        """The gain to play at `when`."""
        return self.night_volume if self.is_night(when) else self.volume


class Playback:
    """Handle of one clip given to the speaker."""

    def __init__(self, duration: float) -> None:
        self.duration = duration
        """Length of the clip in seconds, at the output rate."""
        self.finished: Future[bool] = Future()
        """Resolves True when played to the end, False when cut short, dropped or closed.
        From asyncio: `await asyncio.wrap_future(playback.finished)`."""
        self.started_at: float | None = None
        """`time.perf_counter()` when its first sample was handed to the stream."""


@dataclass
class _Clip:
    samples: np.ndarray  # int16, at the stream's rate
    playback: Playback
    position: int = 0
    cut: bool = False


def fade(samples: np.ndarray, fade_in: int, fade_out: int) -> np.ndarray:
    """A float copy of `samples` with raised-cosine fades of `fade_in`/`fade_out` samples."""
    out = samples.astype(np.float32)
    for length, head in ((fade_in, True), (fade_out, False)):
        length = min(length, len(out))
        if length <= 0:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(length) + 1) / (length + 1))).astype(np.float32)
        if head:
            out[:length] *= ramp
        else:
            out[len(out) - length :] *= ramp[::-1]
    return out


class ClipQueue:
    """Clips waiting to be played and the one playing; `fill` is what the audio callback runs.

    Thread-safe: `add` and `stop` come from the caller's thread, `fill` from PortAudio's.
    Finished clips are reported as `(playback, completed)` pairs through `finished`.
    """

    def __init__(self, rate: int, finished: Callable[[Playback, bool], None]) -> None:
        self.rate = rate
        self._finished = finished
        self._lock = threading.Lock()
        self._queue: deque[_Clip] = deque()
        self._current: _Clip | None = None
        self._cut_length = max(1, round(CUT_FADE_SECONDS * rate))

    @property
    def busy(self) -> bool:
        """A clip is playing or waiting."""
        with self._lock:
            return self._current is not None or bool(self._queue)

    def add(self, samples: np.ndarray, playback: Playback, *, urgent: bool = False) -> None:
        """Queue int16 `samples` (already at this rate); `urgent` cuts the current clip and clears the queue."""
        with self._lock:
            if urgent:
                self._cut_locked()
            self._queue.append(_Clip(samples, playback))

    def stop(self) -> None:
        """Fade out the current clip quickly and drop the queue."""
        with self._lock:
            self._cut_locked()

    def drain(self) -> list[Playback]:
        """Forget every clip at once (closing): the handles of those not finished."""
        with self._lock:
            clips = ([self._current] if self._current else []) + list(self._queue)
            self._current = None
            self._queue.clear()
        return [clip.playback for clip in clips]

    def fill(self, out: np.ndarray) -> None:
        """Write the next `len(out)` frames into `out` (frames × channels int16), silence when idle."""
        frames = len(out)
        filled = 0
        done: list[tuple[Playback, bool]] = []
        with self._lock:
            while filled < frames:
                if self._current is None:
                    if not self._queue:
                        break
                    self._current = self._queue.popleft()
                clip = self._current
                if clip.position == 0 and clip.playback.started_at is None:
                    clip.playback.started_at = time.perf_counter()
                count = min(frames - filled, len(clip.samples) - clip.position)
                out[filled : filled + count] = clip.samples[clip.position : clip.position + count, None]
                clip.position += count
                filled += count
                if clip.position >= len(clip.samples):
                    done.append((clip.playback, not clip.cut))
                    self._current = None
        out[filled:] = 0
        for playback, completed in done:
            self._finished(playback, completed)

    def _cut_locked(self) -> None:
        for clip in self._queue:
            self._finished(clip.playback, False)
        self._queue.clear()
        clip = self._current
        if clip is None or clip.cut:
            return
        # Keep only a short stretch from where playback is, faded to zero, so the cut is soft.
        tail = clip.samples[clip.position : clip.position + self._cut_length]
        faded = fade(tail, 0, len(tail))
        clip.samples = np.concatenate([clip.samples[: clip.position], faded.round().astype(np.int16)])
        clip.cut = True


def choose_rate(supported: Callable[[int], bool], preferred: int, default: int | None) -> int:
    """The first rate the device takes: `preferred`, then its default, then common ones."""
    candidates = [preferred, *([default] if default else []), *FALLBACK_RATES]
    for rate in dict.fromkeys(candidates):
        if supported(rate):
            return rate
    raise DeviceError(f"the output device accepts none of the rates {', '.join(map(str, candidates))} Hz")


class Speaker(Closing):
    """One output stream kept open; `play` queues clips without blocking.

    `device` is a sounddevice device (index or name substring; None for the
    default). `rate` forces the stream's rate; by default 22.05 kHz when the
    device takes it, else its own rate, and clips are resampled to match.
    `volume` is a fixed gain or a `VolumePolicy`, read with `clock()` when
    each clip is queued. `pace` (a speed) holds the stream to that multiple of
    real time from its first frame: only for the unpaced virtual card (`demo`).
    """

    def __init__(
        self,
        device: int | str | None = None,
        *,
        rate: int | None = None,
        volume: VolumePolicy | float = 1.0,
        clock: Callable[[], datetime] = datetime.now,
        latency: float | str = OUTPUT_LATENCY_SECONDS,
        pace: float | None = None,
        levels: LevelTrack | None = None,
    ) -> None:
        import sounddevice

        from assistant.audio.pacing import Pacer

        self._policy = volume if isinstance(volume, VolumePolicy) else VolumePolicy(volume, volume)
        self._clock = clock
        self._levels = levels
        """Where the loudness of every block played goes, by `time.monotonic` (`echo_gate`)."""
        self._closed = False
        self._notices: queue.SimpleQueue[tuple[Playback, bool] | None] = queue.SimpleQueue()
        self.underflows = 0
        """Times the device ran out of samples (a glitch was heard); for diagnostics."""
        try:
            info = sounddevice.query_devices(device, kind="output")
            self.rate = rate or choose_rate(
                lambda candidate: _supports(sounddevice, device, candidate, 1)
                or _supports(sounddevice, device, candidate, 2),
                PREFERRED_RATE,
                int(info["default_samplerate"]) if info.get("default_samplerate") else None,
            )
            self.channels = _channels(sounddevice, device, self.rate)
            self.device_name = str(info["name"])
            self._clips = ClipQueue(self.rate, lambda playback, done: self._notices.put((playback, done)))
            # Set before the stream starts, so no frame escapes the pacer.
            self.pacer: Pacer | None = Pacer(self.rate, pace) if pace else None
            self._stream = sounddevice.OutputStream(
                device=device,
                samplerate=self.rate,
                channels=self.channels,
                dtype="int16",
                latency=latency,
                callback=self._callback,
            )
            try:
                self._stream.start()
            except sounddevice.PortAudioError:
                self._stream.close()
                raise
        except (sounddevice.PortAudioError, ValueError) as error:
            name = "default" if device is None else device
            raise DeviceError(f"cannot open audio output {name}: {error}") from error
        self._notifier = threading.Thread(target=self._notify, name="speaker-notify", daemon=True)
        self._notifier.start()
        logger.info("speaker open on %s at %d Hz, %d channel(s)", self.device_name, self.rate, self.channels)

    def play(self, audio: Audio, *, urgent: bool = False) -> Playback:
        """Queue `audio` and return at once; `urgent` cuts what is playing and clears the queue."""
        if self._closed:
            raise DeviceError("the speaker is closed")
        if not self._stream.active:
            raise DeviceError(f"audio output {self.device_name} stopped working")
        clip = audio.resampled(self.rate)
        gain = self._policy.volume_at(self._clock())
        samples = fade(clip.samples, round(FADE_IN_SECONDS * self.rate), round(FADE_OUT_SECONDS * self.rate))
        samples = np.clip(np.round(samples * gain), -32768, 32767).astype(np.int16)
        playback = Playback(len(samples) / self.rate)
        self._clips.add(samples, playback, urgent=urgent)
        return playback

    def stop(self) -> None:
        """Fade out what is playing and drop the queue."""
        self._clips.stop()

    @property
    def is_playing(self) -> bool:
        """A clip is playing or queued."""
        return self._clips.busy

    def close(self) -> None:
        """Stop and close the stream; clips not finished resolve False. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self._stream.stop()
            self._stream.close()
        except Exception as error:  # noqa: BLE001 - a vanished device must not stop shutdown
            logger.warning("closing audio output: %s", error)
        for playback in self._clips.drain():
            self._notices.put((playback, False))
        self._notices.put(None)
        self._notifier.join(timeout=5)

    def _callback(self, outdata: np.ndarray, frames: int, when: Any, status: object) -> None:
        if getattr(status, "output_underflow", False):
            self.underflows += 1
        self._clips.fill(outdata)
        if self._levels is not None:
            # When these samples reach the device's output, which the microphone then hears.
            ahead = max(0.0, when.outputBufferDacTime - when.currentTime)
            self._levels.add(time.monotonic() + ahead, outdata)
        pacer = self.pacer
        if pacer is not None:
            # Sleeping here is only right for the virtual card, which has no clock of its own.
            pacer.wait(frames)

    def _notify(self) -> None:
        while (notice := self._notices.get()) is not None:
            playback, completed = notice
            if not playback.finished.done():
                playback.finished.set_result(completed)


def _supports(sounddevice: ModuleType, device: int | str | None, rate: int, channels: int) -> bool:
    try:
        sounddevice.check_output_settings(device=device, samplerate=rate, channels=channels, dtype="int16")
    except (sounddevice.PortAudioError, ValueError):
        return False
    return True


def _channels(sounddevice: ModuleType, device: int | str | None, rate: int) -> int:
    # Some HAT codecs only open in stereo; mono clips are then copied to both channels.
    for channels in (1, 2):
        if _supports(sounddevice, device, rate, channels):
            return channels
    raise DeviceError(f"the output device takes neither mono nor stereo at {rate} Hz")
