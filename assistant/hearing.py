"""The service's ears: the microphone, kept open through unplugs, and the recognizer.

PortAudio's callback only copies frames into a queue. A worker thread feeds
them to the `CommandListener` (VAD, then the decoder), which runs in a process
of its own (`listener_process`), and reports commands; a supervisor thread
reopens the microphone by name whenever it is missing or its stream died, so
a USB microphone that comes back with a new card number is heard again
without a restart.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.audio import device_setting
from assistant.echo_gate import LevelTrack
from assistant.errors import DeviceError
from assistant.speech.listener import VOSK_MODEL
from assistant.speech.vad import RATE

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
"""How often a missing microphone, or a recognizer that cannot be started, is tried again."""
RESCAN_SECONDS = 10.0
"""How often PortAudio is asked to list devices again while the microphone is missing
(each time the speaker is reopened, so not more often than this)."""
MAX_QUEUED_SECONDS = 10.0
"""Audio that arrives while this much waits for the decoder is dropped."""


OpenMicrophone = Callable[..., Any]
"""`open_microphone(on_audio, block_seconds=...)`: a started microphone with `alive`, `close()`
and a `block_seconds` that may be changed as it runs, handing 16 kHz int16 mono blocks to
`on_audio`; `DeviceError` when there is none."""


def _portaudio_microphone(device: int | str | None, on_audio: Callable[[Any], None], *, block_seconds: float) -> Any:
    from assistant.audio.capture import Microphone

    return Microphone(on_audio, device, block_seconds=block_seconds)


def vosk_model_dir(settings: Any, data_dir: Path) -> Path:
    """The vosk model directory the settings ask for."""
    if settings.speech.vosk_model:
        return Path(settings.speech.vosk_model)
    return data_dir / "models" / VOSK_MODEL


class Ears:
    """Listens for commands and reports them with `on_command` (from a worker thread).

    `on_command` gets the command and when, on `clock`, the person stopped saying it: a
    decoder that has fallen behind (a busy machine) reports it late, and telling the
    coach's own voice from the person's needs when it was said, not when it was decoded.
    `listening` is what to report from the first block on (None: every command).
    """

    def __init__(
        self,
        *,
        settings: Any,
        routine: Any,
        places: Any,
        on_command: Callable[[Any, float], None],
        on_problem: Callable[[str, bool], None],
        rescan: Callable[[], None] = lambda: None,
        listening: frozenset[str] | None = None,
        speed: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        open_microphone: OpenMicrophone | None = None,
        levels: LevelTrack | None = None,
    ) -> None:
        from assistant.audio.capture import BLOCK_SECONDS, IDLE_BLOCK_SECONDS
        from assistant.audio.pacing import Pacer
        from assistant.speech.gate import GatedListener
        from assistant.speech.listener_process import ListenerProcess

        self._listener = GatedListener(ListenerProcess(
            settings.speech.backend, vosk_model_dir(settings, places.data), routine,
            strictness=settings.speech.strictness,
        ))
        self._open_microphone = open_microphone or functools.partial(
            _portaudio_microphone, device_setting(settings.audio.input_device))
        self._on_command = on_command
        self._levels = levels
        """Where the loudness of every block heard goes, by `clock` (`echo_gate`)."""
        self._on_problem = on_problem
        self._rescan = rescan
        self._clock = clock
        self._last_rescan = clock()
        self._pacer = Pacer(RATE, speed) if speed else None
        self._speed = speed or 1.0
        self._blocks = (BLOCK_SECONDS * self._speed, IDLE_BLOCK_SECONDS * self._speed)
        """What the microphone reads at a time, in the stream's own time: while someone may be
        speaking, and while the voice gate is shut."""
        self._block_seconds = self._blocks[0]
        self._decoded = 0
        """Samples fed to the listener so far: its stream position."""
        self._frames: queue.Queue[Any] = queue.Queue()
        self._queued = 0
        self._wanted = listening
        """What the coach listens for now (None: every command); the decode thread hands it on."""
        self._closed = threading.Event()
        self._microphone: Any = None
        self._missing = False
        self._worker = threading.Thread(target=self._decode, name="ears-decode", daemon=True)
        self._supervisor = threading.Thread(target=self._supervise, name="ears-microphone", daemon=True)
        self._worker.start()
        self._supervisor.start()

    def listen_for(self, intents: frozenset[str]) -> None:
        """Only report these intents from the next block of audio on.

        Called from the loop, while the decode thread may be talking to the recognizer:
        this only leaves the set where that thread hands it on between blocks.
        """
        self._wanted = intents

    def close(self) -> None:
        """Close the microphone and stop both threads; safe to call twice."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._frames.put(None)
        self._supervisor.join(timeout=2)
        if self._microphone is not None:
            self._microphone.close()
        self._worker.join(timeout=2)
        self._listener.close()

    # ---- threads ------------------------------------------------------------

    def _on_audio(self, frames: Any) -> None:
        """PortAudio's thread: copy and hand over, nothing else (pacing only on the virtual card)."""
        if self._pacer is not None:
            self._pacer.wait(len(frames))
        if self._queued > MAX_QUEUED_SECONDS * RATE:
            return
        self._queued += len(frames)
        arrived = self._clock()
        if self._levels is not None:
            self._levels.add(arrived, frames)
        self._frames.put((frames.copy(), arrived))

    def _decode(self) -> None:
        # A backlog left at close is dropped, not decoded: nobody is listening any more.
        while (block := self._frames.get()) is not None and not self._closed.is_set():
            frames, arrived = block
            self._queued -= len(frames)
            self._decoded += len(frames)
            try:
                self._listener.listen_for(self._wanted)
                commands = self._listener.feed(frames)
            except Exception:  # noqa: BLE001 - a decoder hiccup must not deafen the service
                logger.exception("the recognizer failed on a block of audio; listening on")
                self._recover()
                continue
            self._read_blocks_of(self._blocks[0] if self._listener.is_open else self._blocks[1])
            for command in commands:
                logger.info("heard %r -> %s (%.2f)", command.text, command.intent.name, command.confidence)
                ago = (self._decoded / RATE - command.end) / self._speed
                self._on_command(command, arrived - ago)

    def _read_blocks_of(self, seconds: float) -> None:
        """Have the microphone read blocks this long from its next read."""
        self._block_seconds = seconds
        microphone = self._microphone
        if microphone is not None:
            microphone.block_seconds = self._block_seconds

    def _recover(self) -> None:
        try:
            self._listener.reset()
        except Exception:  # noqa: BLE001 - tried again after a pause, on the next block
            logger.exception("the recognizer could not be started again; trying again in %.0f s",
                             RETRY_SECONDS)
            self._closed.wait(RETRY_SECONDS)

    def _supervise(self) -> None:
        while not self._closed.is_set():
            if self._microphone is not None and not self._microphone.alive:
                self._microphone.close()
                self._microphone = None
                logger.warning("the microphone stopped; looking for it again")
                self._report(missing=True)
                self._rescan_now()
            if self._microphone is None:
                try:
                    self._microphone = self._open_microphone(self._on_audio, block_seconds=self._block_seconds)
                except DeviceError as error:
                    if not self._missing:
                        logger.error("no microphone (%s); retrying every %.0f s", error, RETRY_SECONDS)
                    self._report(missing=True)
                    if self._clock() - self._last_rescan >= RESCAN_SECONDS:
                        self._rescan_now()
                else:
                    self._report(missing=False)
            self._closed.wait(RETRY_SECONDS)

    def _rescan_now(self) -> None:
        self._last_rescan = self._clock()
        try:
            self._rescan()
        except Exception:  # noqa: BLE001 - a failed rescan is retried, never fatal
            logger.exception("rescanning audio devices failed")

    def _report(self, missing: bool) -> None:
        if missing != self._missing:
            if not missing:
                logger.info("the microphone is back")
            self._missing = missing
            self._on_problem("microphone", missing)

