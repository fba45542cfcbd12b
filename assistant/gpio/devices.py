"""gpiozero adapters: the bedside button and the status LED.

Both take `pin_factory=None` like gpiozero itself, so tests pass a
`MockFactory` and the Pi uses its default (lgpio). Neither knows the coach:
the button only reports raw edges with their time, and the LED only shows
the pattern it is told to.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.closing import Closing
from assistant.coach.messages import LedPattern
from assistant.gpio.patterns import Display

if TYPE_CHECKING:
    from gpiozero import Factory

log = logging.getLogger(__name__)

Clock = Callable[[], float]
EdgeCallback = Callable[[bool, float], None]

DEFAULT_BUTTON_PIN = 17
DEFAULT_LED_PIN = 27
FRAME_SECONDS = 0.02  # 50 frames a second: smooth breathing, blinks timed to 20 ms
CALM_FRAME_SECONDS = 0.05
"""Frame time while only the idle breath shows, all night: it is so slow and dim that a frame
changes it by at most 0.001 duty (3 % of its peak), and 20 frames a second take 40 % of the wake-ups of 50."""
PWM_HZ = 200  # fast enough that a 3% duty cycle does not flicker


class BedsideButton(Closing):
    """A push button from a GPIO pin to ground, using the internal pull-up.

    `on_edge(pressed, time)` runs on gpiozero's event thread for every edge;
    it must only hand the edge over (the service passes a function that calls
    `loop.call_soon_threadsafe`). Debouncing happens in `GestureDetector`,
    which sees every raw edge with its time; a driver-level bounce filter
    would only delay the edges without making them more accurate.
    """

    def __init__(
        self,
        pin: int = DEFAULT_BUTTON_PIN,
        *,
        on_edge: EdgeCallback,
        pin_factory: Factory | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        """Claim `pin` as a pulled-up input and report its edges to `on_edge`."""
        from gpiozero import Button

        self._on_edge = on_edge
        self._clock = clock
        self._button = Button(pin, pull_up=True, pin_factory=pin_factory)
        self._button.when_pressed = self._pressed
        self._button.when_released = self._released

    @property
    def pin(self) -> str:
        """The pin the button is on, as gpiozero names it (e.g. GPIO17)."""
        return str(self._button.pin)

    @property
    def is_pressed(self) -> bool:
        """Whether the button is down right now (raw, not debounced)."""
        return bool(self._button.is_pressed)

    def _pressed(self) -> None:
        """gpiozero thread: the pin went low."""
        self._on_edge(True, self._clock())

    def _released(self) -> None:
        """gpiozero thread: the pin went high."""
        self._on_edge(False, self._clock())

    def close(self) -> None:
        """Release the pin; safe to call twice."""
        self._button.close()


class StatusLed(Closing):
    """A PWM LED that shows `LedPattern`s, rendered by a small background thread.

    `show` and `set_scale` may be called from any thread (the service calls
    them on its loop); each lights its first frame at once. With `run_thread=False` nothing renders by itself and
    the owner calls `render()`; with an injected clock that lets tests and
    `hardware test --mock` step through a pattern without waiting.
    """

    def __init__(
        self,
        pin: int = DEFAULT_LED_PIN,
        *,
        pin_factory: Factory | None = None,
        clock: Clock = time.monotonic,
        scale: float = 1.0,
        run_thread: bool = True,
        frame_seconds: float = FRAME_SECONDS,
    ) -> None:
        """Claim `pin` as a PWM output, dark, and start rendering the idle breath."""
        from gpiozero import PWMLED

        self._clock = clock
        self._lock = threading.Lock()
        self._display = Display(clock(), scale)
        self._led = PWMLED(pin, frequency=PWM_HZ, pin_factory=pin_factory)
        self._last: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if run_thread:
            self._thread = threading.Thread(
                target=self._run, args=(frame_seconds,), name="status-led", daemon=True
            )
            self._thread.start()

    @property
    def pin(self) -> str:
        """The pin the LED is on, as gpiozero names it (e.g. GPIO27)."""
        return str(self._led.pin)

    @property
    def pattern(self) -> LedPattern:
        """The pattern being shown (under any `heard` flash)."""
        return self._display.pattern

    @property
    def value(self) -> float:
        """The duty cycle the pin has now, as read back from gpiozero."""
        return float(self._led.value)

    def show(self, pattern: LedPattern, seconds: float | None = None) -> None:
        """Show `pattern` from now; for `hold`, `seconds` is the time until it ends."""
        with self._lock:
            self._display.show(pattern, self._clock(), seconds)
        # Light the first frame at once rather than at the next tick.
        self.render()

    def set_scale(self, night_scale: float) -> None:
        """Scale every pattern's brightness by `night_scale` (0..1)."""
        with self._lock:
            self._display.set_scale(night_scale)
        self.render()

    def render(self) -> float:
        """Set the pin to how the pattern looks at the clock's time; returns the level."""
        with self._lock:
            level = self._display.level(self._clock())
            # Writing only on change keeps the PWM driver quiet through steady light.
            if level != self._last and not self._led.closed:
                self._led.value = level
                self._last = level
        return level

    def _run(self, frame_seconds: float) -> None:
        """Background thread: render a frame every `frame_seconds` (calm: `CALM_FRAME_SECONDS`) until closed."""
        while not self._stop.wait(self.next_frame(frame_seconds)):
            self.render()

    def next_frame(self, frame_seconds: float) -> float:
        """How long until the next frame: longer while only the idle breath shows."""
        with self._lock:
            calm = self._display.is_calm(self._clock())
        return max(frame_seconds, CALM_FRAME_SECONDS) if calm else frame_seconds

    def close(self) -> None:
        """Stop rendering, turn the LED off and release the pin; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            self._led.close()


def open_gpio(
    button_pin: int = DEFAULT_BUTTON_PIN,
    led_pin: int = DEFAULT_LED_PIN,
    pin_factory: Factory | None = None,
    *,
    on_edge: EdgeCallback,
    clock: Clock = time.monotonic,
    scale: float = 1.0,
) -> tuple[BedsideButton, StatusLed] | None:
    """Open the button and LED, or return None (logged once) when there is no GPIO.

    No GPIO means: not a Pi, no usable pin driver (lgpio missing), or a pin
    already taken. The caller then runs voice-only.
    """
    from gpiozero.exc import GPIOZeroError

    failures: tuple[type[BaseException], ...] = (GPIOZeroError, OSError)
    try:
        import lgpio  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        failures += (lgpio.error,)
    button: BedsideButton | None = None
    try:
        # gpiozero warns for every pin driver it cannot load; the one log
        # line below says what matters.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            button = BedsideButton(
                button_pin, on_edge=on_edge, pin_factory=pin_factory, clock=clock
            )
            led = StatusLed(led_pin, pin_factory=pin_factory, clock=clock, scale=scale)
    except failures as error:
        if button is not None:
            button.close()
        log.warning("no GPIO: running voice-only (%s)", error)
        return None
    log.info("GPIO: button on %s, LED on %s", button.pin, led.pin)
    return button, led
