"""The coach's mouth: `Say` and `Beep` actions become sound, in order, off the loop.

One worker thread takes each prompt from the prompt cache (a file read) or
synthesizes it (a miss), then queues it on the always-open `Speaker`. The
loop only enqueues, so a slow synthesis never delays a timer. An urgent
prompt ("Paused.", "Okay, stopping here.") drops what is waiting and cuts off
what is playing. A countdown number that would have to wait behind other
speech is dropped: "Three." said late is worse than not said.

It also remembers what it played and when, so the service can tell its own
voice from the person's (see `echo_of`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from assistant.audio import tones
from assistant.audio.playback import Speaker
from assistant.errors import DeviceError
from assistant.speech.intents import normalize
from assistant.speech.prompt_cache import PromptCache

logger = logging.getLogger(__name__)

ECHO_TAIL_SECONDS = 0.6
"""How long after a prompt is due to end it may still be heard back: the speaker's buffer and the
room. The hearing reports when a command was said, so the decoder's lag is not part of it."""


@dataclass(frozen=True)
class _Item:
    generation: int
    text: str | None = None
    tone: str | None = None


@dataclass(frozen=True)
class Spoken:
    """A prompt that went to the speaker, with when it plays in wall-clock seconds."""

    text: str
    start: float
    end: float


class VoiceOutput:
    """Speaks prompts and plays tones through a `Speaker`; see the module docstring."""

    def __init__(
        self,
        open_speaker: Callable[[], Speaker],
        cache: PromptCache,
        *,
        speed: float = 1.0,
        on_failure: Callable[[str], None] = lambda reason: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._open_speaker = open_speaker
        self._speaker = open_speaker()
        self._speaker_lock = threading.Lock()
        self._cache = cache
        self._speed = speed
        self._on_failure = on_failure
        self._clock = clock
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._spoken: deque[Spoken] = deque(maxlen=32)
        self._busy_until = 0.0
        self._failed = False
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="voice-output", daemon=True)
        self._thread.start()

    def say(self, text: str, kind: str = "instruction", urgent: bool = False) -> None:
        """Speak `text` after what is queued; `urgent` first silences everything else."""
        if urgent:
            self._interrupt()
        elif kind == "count" and self.busy:
            return
        self._queue.put(_Item(self._generation, text=text))

    def beep(self, tone: str) -> None:
        """Play one of the generated tones (`start`, `end`, `tick`) in turn."""
        self._queue.put(_Item(self._generation, tone=tone))

    @property
    def busy(self) -> bool:
        """Something is queued, being prepared or playing."""
        return self._queue.unfinished_tasks > 0 or self._speaker.is_playing

    def echo_of(self, words: str, now: float | None = None) -> bool:
        """True when `words` could be the speaker's own voice heard back.

        That is: a prompt is playing (or just ended) whose words contain the
        heard words in order. The person's own "pause" during a prompt that
        does not say "pause" still counts.
        """
        now = self._clock() if now is None else now
        heard = normalize(words).split()
        if not heard:
            return False
        with self._lock:
            playing = [s for s in self._spoken if s.start - 0.1 <= now <= s.end + ECHO_TAIL_SECONDS]
        return any(_contains(normalize(s.text).split(), heard) for s in playing)

    def wait_idle(self, timeout: float) -> bool:
        """Block until everything queued has played (for `demo`); False on timeout."""
        deadline = self._clock() + timeout
        while self.busy:
            if self._clock() > deadline:
                return False
            time.sleep(0.02)
        return True

    @property
    def speaker(self) -> Speaker:
        """The speaker in use now."""
        return self._speaker

    def reopen_speaker(self, meanwhile: Callable[[], None] = lambda: None) -> None:
        """Close the speaker, run `meanwhile` (a PortAudio rescan), and open it again.

        If it cannot be opened again the voice goes quiet and `on_failure` says so.
        """
        with self._speaker_lock:
            self._speaker.close()
            meanwhile()
            try:
                self._speaker = self._open_speaker()
            except DeviceError as error:
                self._fail(error)
            else:
                self._failed = False

    def close(self) -> None:
        """Stop the worker and close the speaker. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._interrupt()
        self._queue.put(None)
        self._thread.join(timeout=2)
        with self._speaker_lock:
            self._speaker.close()

    def _interrupt(self) -> None:
        self._generation += 1
        try:
            while True:
                self._queue.get_nowait()
                self._queue.task_done()
        except queue.Empty:
            pass
        self._speaker.stop()

    def _fail(self, error: DeviceError) -> None:
        if not self._failed:
            logger.error("audio output failed, going on with the LED only: %s", error)
            self._on_failure(str(error))
        self._failed = True

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                if item.generation == self._generation and not self._failed:
                    self._play(item)
            finally:
                self._queue.task_done()

    def _play(self, item: _Item) -> None:
        try:
            audio = self._cache.audio(item.text) if item.text else tones.tone(item.tone or "tick")
        except Exception as error:  # noqa: BLE001 - one bad prompt must not silence the coach
            logger.error("could not prepare %r: %s", item.text or item.tone, error)
            return
        if item.generation != self._generation:
            return
        try:
            with self._speaker_lock:
                playback = self._speaker.play(audio)
        except DeviceError as error:
            self._fail(error)
            return
        now = self._clock()
        with self._lock:
            start = max(now, self._busy_until)
            self._busy_until = start + playback.duration / self._speed
            if item.text:
                self._spoken.append(Spoken(item.text, start, self._busy_until))


def _contains(words: list[str], part: list[str]) -> bool:
    """`part` appears in `words` in order (not necessarily next to each other)."""
    position = iter(words)
    return all(word in position for word in part)
