"""Settings: frozen dataclasses read from TOML, validated once at start.

Every key has a default, so an empty file (or none) is a valid config.
Unknown keys and bad values are rejected with the file, the line, the key and
what is allowed; the service then exits with code 78, which the systemd unit
treats as "do not restart" so a typo never becomes a restart storm.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError, ModelError
from assistant.routine import Routine, default_routine, load_routine
from assistant.tomlfile import TomlFile

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_BCM_PIN = 27
"""The highest GPIO on a Raspberry Pi's 40-pin header, by BCM number."""


def _spec(default: Any, doc: str, **rules: Any) -> Any:
    """A settings field with its documentation and validation rules."""
    return field(default=default, metadata={"doc": doc, **rules})


@dataclass(frozen=True)
class AudioSettings:
    """Microphone, speaker and loudness."""

    input_device: str = _spec("", "microphone: part of its name or its index; empty for the default")
    output_device: str = _spec("", "speaker: part of its name or its index; empty for the default")
    volume: float = _spec(0.8, "loudness of speech and beeps, 0.0 to 1.0", low=0.0, high=1.0)
    night_volume: float = _spec(0.4, "loudness during the night hours", low=0.0, high=1.0)
    night_start: str = _spec("22:00", "when the night hours begin, HH:MM", pattern=_CLOCK)
    night_end: str = _spec("07:00", "when the night hours end, HH:MM", pattern=_CLOCK)


@dataclass(frozen=True)
class SpeechSettings:
    """Hearing commands."""

    backend: str = _spec("auto", "auto, vosk or pocketsphinx", choices=("auto", "vosk", "pocketsphinx"))
    vosk_model: str = _spec("", "vosk model directory; empty for the fetched English small model")
    strictness: str = _spec(
        "normal", "normal, or strict beside a TV or radio: acts on less of their talk, misses more commands",
        choices=("normal", "strict"),
    )


@dataclass(frozen=True)
class VoiceSettings:
    """The coach's voice."""

    name: str = _spec("en_US-joe-medium", "piper voice name (see footstretch voices list)")
    rate: float = _spec(1.0, "speaking rate: 1.0 normal, 0.7 slower, 1.2 faster", low=0.5, high=1.5)


@dataclass(frozen=True)
class GpioSettings:
    """The bedside button and LED."""

    enabled: bool = _spec(True, "use the button and LED when GPIO is available")
    button_pin: int = _spec(17, "BCM number of the button's GPIO", low=0, high=MAX_BCM_PIN)
    led_pin: int = _spec(27, "BCM number of the LED's GPIO", low=0, high=MAX_BCM_PIN)
    night_led_brightness: float = _spec(0.3, "LED brightness scale during the night hours", low=0.0, high=1.0)


@dataclass(frozen=True)
class RoutineSettings:
    """Which routine, and timing changes to it."""

    file: str = _spec("", "a routine TOML file of your own; empty for the six stretches")
    rest_seconds: float = _spec(-1.0, "rest between stretches; -1 keeps the routine's", low=0, high=300, keep=-1)
    ready_seconds: float = _spec(
        -1.0, "from 'Ready?' to 'Starting now'; -1 keeps the routine's", low=0, high=60, keep=-1
    )
    switch_seconds: float = _spec(-1.0, "time to change sides; -1 keeps the routine's", low=0, high=120, keep=-1)
    hold_seconds: dict[str, float] = field(
        default_factory=dict, metadata={"doc": "per-stretch hold seconds, e.g. { towel_stretch = 25 }"}
    )
    resume_minutes: float = _spec(
        10.0, "after a restart, how long the offer to continue stands", low=0, high=24 * 60
    )


@dataclass(frozen=True)
class Settings:
    """Everything configurable, one frozen section each."""

    audio: AudioSettings = field(default_factory=AudioSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    gpio: GpioSettings = field(default_factory=GpioSettings)
    routine: RoutineSettings = field(default_factory=RoutineSettings)
    source: str = "defaults"
    """Where these settings came from."""

    def load_routine(self) -> Routine:
        """The routine these settings ask for, with their timing overrides."""
        base = load_routine(self.routine.file) if self.routine.file else default_routine()
        changes = {
            name: getattr(self.routine, name)
            for name in ("rest_seconds", "ready_seconds", "switch_seconds")
            if getattr(self.routine, name) >= 0
        }
        holds = self.routine.hold_seconds
        stretches = tuple(
            dataclasses.replace(s, seconds=float(holds[s.id])) if s.id in holds else s
            for s in base.stretches
        )
        unknown = set(holds) - {s.id for s in base.stretches}
        if unknown:
            raise ConfigError(
                f"{self.source}: routine.hold_seconds: no stretch called {', '.join(sorted(unknown))} "
                f"(stretches: {', '.join(s.id for s in base.stretches)})"
            )
        routine = dataclasses.replace(base, stretches=stretches, **changes)
        problem = routine.too_long()
        if problem:
            raise ConfigError(f"{self.source}: routine: with these timings the routine {problem}")
        return routine


_SECTIONS = {f.name: f.default_factory for f in dataclasses.fields(Settings) if f.name != "source"}


def _check_value(doc: TomlFile, section: str, spec: dataclasses.Field, value: Any) -> Any:
    meta = spec.metadata
    name = spec.name
    if name == "hold_seconds":
        if not isinstance(value, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v <= 600 for v in value.values()
        ):
            raise doc.error(section, name, "must be a table of stretch ids to seconds between 1 and 600")
        return dict(value)
    expected = {"str": str, "float": (int, float), "int": int, "bool": bool}[spec.type]
    if isinstance(value, bool) != (spec.type == "bool") or not isinstance(value, expected):
        raise doc.error(section, name, f"must be a {spec.type}, not {value!r} ({meta['doc']})")
    if "choices" in meta and value not in meta["choices"]:
        raise doc.error(section, name, f"must be one of {', '.join(meta['choices'])}, not {value!r}")
    if "pattern" in meta and not meta["pattern"].match(value):
        raise doc.error(section, name, f"must be a time like 22:00, not {value!r}")
    if "low" in meta and not meta["low"] <= value <= meta["high"] and value != meta.get("keep"):
        keep = f", or {meta['keep']:g} to keep the routine's" if "keep" in meta else ""
        raise doc.error(section, name, f"must be between {meta['low']} and {meta['high']}{keep}, not {value}")
    return float(value) if spec.type == "float" else value


def parse_settings(doc: TomlFile) -> Settings:
    """Validate a parsed config document and build the `Settings`."""
    sections: dict[str, Any] = {}
    for section, raw in doc.data.items():
        if section not in _SECTIONS:
            raise doc.error(section, None, f"unknown section (allowed: {', '.join(_SECTIONS)})")
        if not isinstance(raw, dict):
            raise doc.error(None, section, "must be a [table]")
        factory = _SECTIONS[section]
        specs = {f.name: f for f in dataclasses.fields(factory)}
        values = {}
        for key, value in raw.items():
            if key not in specs:
                raise doc.error(section, key, f"unknown key (allowed: {', '.join(specs)})")
            values[key] = _check_value(doc, section, specs[key], value)
        sections[section] = factory(**values)
    settings = Settings(**sections, source=doc.path)
    _check_together(doc, settings)
    return settings


def _check_together(doc: TomlFile, settings: Settings) -> None:
    """Values that are each fine alone but make no sense side by side."""
    gpio, audio = settings.gpio, settings.audio
    if gpio.button_pin == gpio.led_pin:
        key = "led_pin" if doc.line_of("gpio", "led_pin") else "button_pin"
        raise doc.error("gpio", key, f"the button and the LED cannot share GPIO {gpio.led_pin}")
    if audio.night_start == audio.night_end:
        key = "night_end" if doc.line_of("audio", "night_end") else "night_start"
        raise doc.error(
            "audio", key,
            f"night_start and night_end are both {audio.night_end}, which leaves no night hours; "
            "for one loudness all day, set night_volume to the same as volume",
        )


def check_settings(settings: Settings) -> Routine:
    """Everything `run` would refuse, found now: the routine, and the vosk model `backend = "vosk"` insists on.

    One rule for exit code 78: a fault in the config or in a file it names is a
    configuration error, which a restart will not fix.
    """
    routine = settings.load_routine()
    if settings.speech.backend == "vosk":
        from assistant.hearing import vosk_model_dir
        from assistant.paths import data_dir
        from assistant.speech.backends.vosk import VoskDecoder

        try:
            VoskDecoder(vosk_model_dir(settings, data_dir())).close()
        except ModelError as error:
            raise speech_model_error(settings, error) from None
    return routine


def speech_model_error(settings: Settings, error: ModelError) -> ConfigError:
    """The config insists on vosk and its model is missing or broken: a configuration error."""
    reason = f"{error}; or set backend = \"auto\" to hear with the built-in recognizer meanwhile"
    if settings.source == "defaults":
        return ConfigError(f"speech.backend: {reason}")
    try:
        doc = TomlFile.load(settings.source)
    except ConfigError:
        return ConfigError(f"{settings.source}: speech.backend: {reason}")
    return doc.error("speech", "backend", reason)


def find_config(explicit: str | None) -> Path | None:
    """The config file to read: `--config`, else the first that exists of the usual places."""
    if explicit:
        return Path(explicit)
    from assistant.paths import config_paths

    return next((path for path in config_paths() if path.is_file()), None)


def load_settings(explicit: str | None = None) -> Settings:
    """Read and validate the config; no file at all means every default."""
    path = find_config(explicit)
    if path is None:
        return Settings()
    return parse_settings(TomlFile.load(path))


def load_routine_option(path: str | None) -> Routine:
    """The routine named on the command line, or the packaged one."""
    return load_routine(path) if path else default_routine()


def example_config() -> str:
    """The documented example config, every key at its default."""
    return resources.files("assistant.data").joinpath("config.example.toml").read_text("utf-8")
