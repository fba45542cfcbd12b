"""The always-on service: wires microphone, voice, button, LED and history to the coach.

One asyncio loop owns all state. PortAudio and gpiozero callbacks only hand
data over with `loop.call_soon_threadsafe`; decoding and synthesis run in
worker threads (`assistant.hearing`, `assistant.voice_output`), so a timer is
never late because an engine was busy.

The coach's clock is the loop's clock times `speed`: 1 on the Pi, more in
`demo`, where the virtual sound card is paced to the same speed, so what is
heard stays in step with what is timed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from assistant.coach import Coach, all_prompts
from assistant.coach.messages import (
    Action,
    Beep,
    ButtonGesture,
    Event,
    Heard,
    Led,
    OfferResume,
    Problem,
    RoutineEnd,
    Say,
    Step,
    Tick,
)
from assistant.config import Settings
from assistant.echo_gate import EchoGate, LevelTrack
from assistant.errors import DeviceError, ModelError
from assistant.audio import device_setting
from assistant.routine import Routine
from assistant.timeline import Timeline

logger = logging.getLogger(__name__)

_STOP = object()


class Hearing(Protocol):
    """The microphone and recognizer, as the service sees them."""

    def listen_for(self, intents: frozenset[str]) -> None:
        """Only report these intents from now on."""

    def close(self) -> None:
        """Stop listening; safe to call twice."""


@dataclass(frozen=True)
class Places:
    """Where the service keeps its files."""

    state: Path
    """History (SQLite)."""
    cache: Path
    """Rendered prompts."""
    data: Path
    """Fetched models and voices."""

    @classmethod
    def default(cls) -> "Places":
        """The usual places (`$STATE_DIRECTORY` and friends under systemd)."""
        from assistant import paths

        return cls(paths.state_dir(), paths.cache_dir(), paths.data_dir())


@dataclass(frozen=True)
class RunOptions:
    """How to run: for real, or time-compressed on the virtual card for `demo`."""

    speed: float = 1.0
    """Coach seconds per wall-clock second."""
    pace_audio: bool = False
    """Pace the audio streams ourselves (the virtual card does not)."""
    until_done: bool = False
    """Exit once a routine has ended and everything said has played."""
    pin_factory: Any = None
    """A gpiozero pin factory; None lets gpiozero pick (lgpio on the Pi)."""
    start_with: tuple[Event, ...] = ()
    """Events fed to the coach right after start-up."""
    sinks: tuple[Callable[[dict[str, Any]], None], ...] = field(default_factory=tuple)
    """Where timeline records go."""
    open_microphone: Any = None
    """Opens the microphone (`hearing.OpenMicrophone`); None for PortAudio's input device."""


class Service:
    """`footstretch run` (and `demo`): see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        routine: Routine,
        places: Places,
        options: RunOptions = RunOptions(),
        *,
        notifier: Any = None,
        wallclock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        from assistant.audio.playback import VolumePolicy
        from assistant.notify import Notifier

        self.settings = settings
        self.routine = routine
        self.places = places
        self.options = options
        self.coach = Coach(routine)
        self._notifier = notifier or Notifier()
        self._wallclock = wallclock
        self._policy = VolumePolicy.from_settings(settings.audio)
        self._timeline = Timeline(0.0, *options.sinks)
        self._events: asyncio.Queue[Any] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._t0 = 0.0
        self._voice: Any = None
        self._led: Any = None
        self._hearing: Hearing | None = None
        self._history: Any = None
        self._history_writer = ThreadPoolExecutor(1, thread_name_prefix="history")
        self._gestures: Any = None
        self._gesture_timer: asyncio.TimerHandle | None = None
        self._routine_ended = False
        self.speaker_pacer: Any = None
        self.speaker_format: tuple[int, int] | None = None
        """The output stream's rate and channels, once open (for `demo` to write spoken.wav)."""
        self._echo = EchoGate(heard=LevelTrack(), played=LevelTrack())

    # ---- the clock -----------------------------------------------------------

    def coach_now(self) -> float:
        """Seconds on the coach's clock since the service started."""
        assert self._loop is not None
        return (self._loop.time() - self._t0) * self.options.speed

    def output_lead(self) -> float:
        """Seconds of output a paced speaker had played when the coach's clock started.

        `demo` cuts them from the front of `spoken.wav`, so the recording is
        aligned with the timeline.
        """
        pacer = self.speaker_pacer
        if pacer is None or pacer.started is None:
            return 0.0
        return max(0.0, (self._t0 - pacer.started) * self.options.speed)

    # ---- running -----------------------------------------------------------------

    async def run(self) -> int:
        """Run until stopped (SIGTERM, SIGINT) or, with `until_done`, until a routine ends."""
        self._loop = asyncio.get_running_loop()
        async with AsyncExitStack() as stack:
            self._history = self._open_history(stack)
            self._voice = await self._open_voice(stack)
            self._led = self._open_gpio(stack)
            self._hearing = self._open_hearing(stack)
            self._t0 = self._loop.time()
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._loop.add_signal_handler(sig, self.stop)
            stack.callback(self._remove_signal_handlers)
            watchdog = asyncio.create_task(self._watchdog())
            self._offer_to_continue()
            for event in self.options.start_with:
                self.post(event)
            self._notifier.ready(f"ready: {self.routine.name}")
            logger.info("ready")
            try:
                await self._drive()
            finally:
                watchdog.cancel()
                self._notifier.stopping("stopping")
        return 0

    def stop(self) -> None:
        """Ask the service to stop (safe from signal handlers on the loop)."""
        self._events.put_nowait(_STOP)

    def post(self, event: Event) -> None:
        """Give the coach an event (on the loop's thread)."""
        self._events.put_nowait(event)

    def post_threadsafe(self, event: Event) -> None:
        """Give the coach an event from any thread."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._events.put_nowait, event)

    async def _drive(self) -> None:
        while True:
            deadline = self.coach.next_deadline()
            timeout = None if deadline is None else max(0.0, (deadline - self.coach_now()) / self.options.speed)
            try:
                event = await asyncio.wait_for(self._events.get(), timeout)
            except TimeoutError:
                event = Tick()
            if event is _STOP:
                return
            now = self.coach_now()
            self._dispatch(self.coach.handle(event, now), now)
            if self._routine_ended and self.options.until_done and self.coach.next_deadline() is None:
                await self._drain_voice()
                return

    def _dispatch(self, actions: Iterable[Action], now: float) -> None:
        actions = list(actions)
        wall = self._wallclock()
        for action in actions:
            if isinstance(action, Say) and self._voice:
                self._voice.say(action.text, action.kind, action.urgent)
            elif isinstance(action, Beep) and self._voice:
                self._voice.beep(action.tone)
            elif isinstance(action, Led) and self._led:
                night = self._policy.is_night(wall)
                self._led.set_scale(self.settings.gpio.night_led_brightness if night else 1.0)
                seconds = None if action.seconds is None else action.seconds / self.options.speed
                self._led.show(action.pattern, seconds)
            elif isinstance(action, RoutineEnd):
                self._routine_ended = True
            if self._history:
                # A synchronous commit is an fsync on an SD card: never on the loop.
                self._history_writer.submit(self._history.record, action, wall)
            if isinstance(action, Step):
                self._notifier.status(f"{action.stretch}, {action.side or 'both sides'}, round {action.rep}")
        self._timeline.record(actions, now)
        if self._hearing:
            self._hearing.listen_for(self.coach.listening_for())

    async def _drain_voice(self) -> None:
        if self._voice:
            await asyncio.get_running_loop().run_in_executor(None, self._voice.wait_idle, 120.0)

    async def _watchdog(self) -> None:
        interval = self._notifier.watchdog_interval()
        if not interval:
            return
        while True:
            self._notifier.watchdog()
            await asyncio.sleep(interval / 2)

    def _remove_signal_handlers(self) -> None:
        assert self._loop is not None
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._loop.remove_signal_handler(sig)

    # ---- adapters ------------------------------------------------------------------

    def _open_history(self, stack: AsyncExitStack) -> Any:
        from assistant.history import History, history_path

        history = stack.enter_context(History(history_path(self.places.state)))
        # One writer thread keeps the records in order; it drains before the file closes.
        stack.callback(self._history_writer.shutdown)
        return history

    def _offer_to_continue(self) -> None:
        within = timedelta(minutes=self.settings.routine.resume_minutes)
        point = self._history.unfinished(self._wallclock(), within) if self._history else None
        if self._history:
            self._history.close_unfinished()
        if point is not None and point.stretch:
            logger.info("a routine was cut short during %s (%s); offering to continue", point.stretch, point.side)
            self.post(OfferResume(point.stretch, point.side))

    async def _open_voice(self, stack: AsyncExitStack) -> Any:
        """The voice, or None (LED only) when there is no usable audio output."""
        from assistant.audio.playback import Speaker
        from assistant.speech.prompt_cache import PromptCache
        from assistant.speech.tts import Voice, length_scale_for
        from assistant.voice_output import VoiceOutput

        loop = asyncio.get_running_loop()
        try:
            # Only the files: the model is loaded if a prompt is ever missing from the cache.
            voice = Voice.open(self.settings.voice.name, self.places.data / "voices")
        except ModelError as error:
            logger.error("no voice could be found (%s); going on with the LED only", error)
            return None
        cache = PromptCache(voice, self.places.cache / "prompts", length_scale=length_scale_for(self.settings.voice.rate))
        open_speaker = functools.partial(
            Speaker,
            device_setting(self.settings.audio.output_device),
            volume=self._policy,
            pace=self.options.speed if self.options.pace_audio else None,
            levels=self._echo.played,
        )
        try:
            output = VoiceOutput(
                open_speaker,
                cache,
                speed=self.options.speed,
                on_failure=lambda reason: self.post_threadsafe(Problem("speaker", active=True)),
            )
        except DeviceError as error:
            logger.error("no audio output (%s); going on with the LED only", error)
            self.post(Problem("speaker", active=True))
            return None
        stack.callback(output.close)
        self.speaker_pacer = output.speaker.pacer
        self.speaker_format = (output.speaker.rate, output.speaker.channels)
        # Render every known prompt in the background; stop early at shutdown.
        stop_preparing = threading.Event()
        stack.callback(stop_preparing.set)
        prepare = functools.partial(cache.prepare, all_prompts(self.routine), stop=stop_preparing)
        loop.run_in_executor(None, prepare).add_done_callback(_log_prepared)
        return output

    def _open_gpio(self, stack: AsyncExitStack) -> Any:
        """The LED (the button reports through the loop), or None for voice-only."""
        if not self.settings.gpio.enabled:
            logger.info("GPIO disabled in the config: running voice-only")
            return None
        from assistant.gpio.devices import open_gpio
        from assistant.gpio.gestures import GestureDetector

        assert self._loop is not None
        loop = self._loop
        self._gestures = GestureDetector()
        opened = open_gpio(
            self.settings.gpio.button_pin,
            self.settings.gpio.led_pin,
            self.options.pin_factory,
            on_edge=lambda pressed, at: loop.call_soon_threadsafe(self._on_edge, pressed, at),
            clock=loop.time,
        )
        if opened is None:
            return None
        button, led = opened
        stack.callback(button.close)
        stack.callback(led.close)
        return led

    def _on_edge(self, pressed: bool, at: float) -> None:
        for gesture in self._gestures.edge(pressed, at):
            self.post(ButtonGesture(gesture))
        self._arm_gesture_timer()

    def _arm_gesture_timer(self) -> None:
        """One timer for the detector's next deadline (a press is known once no second one came)."""
        assert self._loop is not None
        if self._gesture_timer is not None:
            self._gesture_timer.cancel()
            self._gesture_timer = None
        deadline = self._gestures.next_deadline()
        if deadline is not None:
            self._gesture_timer = self._loop.call_at(deadline, self._poll_gestures)

    def _poll_gestures(self) -> None:
        assert self._loop is not None
        self._gesture_timer = None
        for gesture in self._gestures.poll(self._loop.time()):
            self.post(ButtonGesture(gesture))
        self._arm_gesture_timer()

    def _open_hearing(self, stack: AsyncExitStack) -> Hearing | None:
        from assistant.hearing import Ears

        hearing = Ears(
            settings=self.settings,
            routine=self.routine,
            places=self.places,
            on_command=lambda command, said: self._loop.call_soon_threadsafe(self._on_command, command, said),
            on_problem=lambda what, active: self.post_threadsafe(Problem(what, active)),
            rescan=self._rescan_audio,
            # From the first block of audio: at boot the TV's "skip" must not be heard either.
            listening=self.coach.listening_for(),
            speed=self.options.speed if self.options.pace_audio else None,
            open_microphone=self.options.open_microphone,
            levels=self._echo.heard,
        )
        stack.callback(hearing.close)
        return hearing

    def _rescan_audio(self) -> None:
        """Let PortAudio find devices again (any thread); the speaker is reopened around it."""
        from assistant.audio.capture import rescan_devices

        if self._voice is not None:
            self._voice.reopen_speaker(rescan_devices)
        else:
            rescan_devices()

    def _on_command(self, command: Any, said: float) -> None:
        """A command from the recognizer, ended at `said` (monotonic); dropped when it is the coach's own words.

        A person talks over the coach as they would over anyone: while it speaks, every command
        the state listens for is heard, unless the prompt playing then says those very words, or
        the microphone was no louder than the coach's echo (`echo_gate`).
        """
        if self._voice and self._voice.echo_of(command.text, said):
            logger.info("ignored %r: the coach was saying it", command.text)
            return
        speed = self.options.speed if self.options.pace_audio else 1.0
        started = said - (command.end - command.start) / speed
        if not self._echo.is_person(started, said):
            logger.info("ignored %r: no louder than the coach's own voice coming back", command.text)
            return
        self.post(Heard(command.intent, source="voice"))


def _log_prepared(future: asyncio.Future) -> None:
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        logger.error("could not prepare the prompt cache: %s", error)
    else:
        logger.info("prompt cache ready: %s", future.result())
