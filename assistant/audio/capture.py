"""Microphone input: a sounddevice stream resampled to 16 kHz mono int16.

A thread of its own reads the stream (PortAudio's blocking reads), resamples
each block and hands it to `on_audio`, which must only hand it over: the
service queues it for its decode thread. Reading, not a callback, lets the
block size change while the stream runs: the service reads `IDLE_BLOCK_SECONDS`
at a time while nobody speaks, a tenth of the wake-ups, and `BLOCK_SECONDS`
once someone does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sounddevice as sd
import soxr

from assistant.closing import Closing
from assistant.errors import DeviceError
from assistant.speech.vad import RATE

logger = logging.getLogger(__name__)

PREFERRED_RATES = (RATE, 48000, 44100, 32000, 22050, 8000)
BLOCK_SECONDS = 0.01
"""Wall-clock time per PortAudio callback. A command is acted on when the block holding the end of
its quiet arrives: 10 ms blocks took the median latency from 296-302 ms (30 ms blocks) to
279-289 ms (tuning and held-out; benchmarks/README-recognition.md). The virtual card, paced at
`speed` times real time, hands over `speed` times as much audio per block (`hearing.Ears`): with
10 ms of audio per block, the demo at 20x made 2000 callbacks a second, and the service's
real-time tests on the virtual card failed now and then."""
IDLE_BLOCK_SECONDS = 0.1
"""Block read while the voice gate is shut (`hearing.Ears`). Reading 10 ms blocks cost 1.7-2.0 % of
a core on the virtual card, 100 ms blocks 0.2 %. No command is later for it: the gate opens 80 ms
into a voice, and the reads are back to `BLOCK_SECONDS` within this long after, well before the
shortest command has ended and been followed by the endpointer's quiet."""
CLOSE_WAIT_SECONDS = 1.0
"""How long `close` waits for a read in progress to end, before and after aborting the stream."""


@dataclass(frozen=True)
class AudioDevice:
    """One device as PortAudio lists it."""

    index: int
    name: str
    inputs: int
    outputs: int
    rate: float


def list_devices() -> list[AudioDevice]:
    """Every audio device PortAudio can see."""
    return [
        AudioDevice(i, d["name"], d["max_input_channels"], d["max_output_channels"], d["default_samplerate"])
        for i, d in enumerate(sd.query_devices())
    ]


def find_input_device(spec: int | str | None) -> int:
    """Resolve a device index, a case-insensitive name fragment, or None (the default input)."""
    devices = list_devices()
    if spec is None or spec == "":
        index = sd.default.device[0]
        if index is None or index < 0 or index >= len(devices) or devices[index].inputs < 1:
            raise DeviceError("no default input device; set one by name or index (see `footstretch devices`)")
        return int(index)
    if isinstance(spec, int) or str(spec).isdigit():
        index = int(spec)
        if index < len(devices) and devices[index].inputs > 0:
            return index
        raise DeviceError(f"no input device with index {index} (see `footstretch devices`)")
    wanted = str(spec).lower()
    for device in devices:
        if wanted in device.name.lower() and device.inputs > 0:
            return device.index
    raise DeviceError(f"no input device named like {spec!r} (see `footstretch devices`)")


def supported_rate(device: int) -> int:
    """A capture rate the device accepts, 16 kHz when it can."""
    for rate in PREFERRED_RATES:
        try:
            sd.check_input_settings(device=device, samplerate=rate, channels=1, dtype="int16")
        except Exception:  # noqa: BLE001 - PortAudio reports unsupported settings with varied errors
            continue
        return rate
    raise DeviceError(f"input device {device} accepts none of the rates {PREFERRED_RATES}")


def rescan_devices() -> None:
    """Make PortAudio list the devices again: it does so only once, when it starts.

    A USB microphone plugged back in (perhaps as another card number) is only
    visible after this. It ends every open stream of the process, so the
    caller reopens them (the service does it with the speaker in hand).
    """
    sd._terminate()
    sd._initialize()


class Microphone(Closing):
    """An open input stream delivering 16 kHz int16 mono blocks to `on_audio`, from a reader thread.

    `block_seconds` may be changed at any time; it applies from the next read.
    """

    def __init__(self, on_audio: Callable[[np.ndarray], None], device: int | str | None = None, *,
                 rate: int | None = None, block_seconds: float = BLOCK_SECONDS,
                 on_error: Callable[[str], None] | None = None) -> None:
        self._on_audio = on_audio
        self._on_error = on_error
        self._failed = False
        self._closed = threading.Event()
        self.block_seconds = block_seconds
        index = find_input_device(device)
        self.rate = rate or supported_rate(index)
        """The device's capture rate (before resampling to 16 kHz)."""
        self._resampler = soxr.ResampleStream(self.rate, RATE, 1, dtype="int16")
        try:
            # The device's period stays BLOCK_SECONDS whatever is read, so a short read never waits long.
            self._stream = sd.InputStream(device=index, samplerate=self.rate, channels=1, dtype="int16",
                                          blocksize=int(self.rate * BLOCK_SECONDS))
            self._stream.start()
        except sd.PortAudioError as error:
            raise DeviceError(f"cannot open input device {index}: {error}") from error
        self._reader = threading.Thread(target=self._read, name="microphone", daemon=True)
        self._reader.start()
        logger.info("listening on %s at %d Hz", list_devices()[index].name, self.rate)

    @property
    def alive(self) -> bool:
        """False once the stream has stopped on its own (device unplugged, error)."""
        return not self._failed and self._stream.active

    def _read(self) -> None:
        while not self._closed.is_set():
            try:
                indata, _overflowed = self._stream.read(max(1, round(self.rate * self.block_seconds)))
            except sd.PortAudioError as error:
                if not self._closed.is_set():
                    self._failed = True
                    logger.warning("the input stream stopped: %s", error)
                    if self._on_error is not None:
                        self._on_error("input stream stopped")
                return
            block = self._resampler.resample_chunk(indata[:, 0])
            if len(block):
                self._on_audio(block)

    def close(self) -> None:
        """Stop the reader and close the stream; idempotent."""
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            self._reader.join(timeout=CLOSE_WAIT_SECONDS)
            # A read that has not ended in that time is stuck on a vanished device; aborting ends it.
            self._stream.abort()
            self._reader.join(timeout=CLOSE_WAIT_SECONDS)
            self._stream.close()
        except sd.PortAudioError as error:
            # A stream whose device vanished may not close cleanly; it is gone either way.
            logger.debug("closing the input stream: %s", error)
