"""Fuzzing the readers of what a person hands footstretch: config, routine and WAV files.

Whatever the bytes, each reader either reads them or raises an `AssistantError`
whose exit code is 2 (bad input) or 78 (bad config): never another exception,
which the command line would show as a traceback, and never more than 300 MB.
"""

from __future__ import annotations

import struct
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.audio.clip import Audio, wav_blocks
from assistant.config import check_settings, parse_settings
from assistant.errors import EXIT_CONFIG, EXIT_USAGE, AssistantError
from assistant.routine.model import parse_routine
from assistant.tomlfile import TomlFile
from tests.careless import LIMIT_MB

DEFAULT_ROUTINE = (Path(__file__).parents[1] / "assistant" / "routine" / "default.toml").read_text()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

toml_values = st.recursive(
    st.one_of(
        st.integers(-10**30, 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=40).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
        st.sampled_from(["true", "false", '"vosk"', '"auto"', '"22:00"', "{}", "[]", '"{0}"', '"{side}"',
                         '"\\u001b"', "-1", "0", "1e308", "07:00:00", "1979-05-27"]),
    ),
    lambda inner: st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    max_leaves=12,
)
keys = st.sampled_from([
    "volume", "night_start", "night_end", "input_device", "backend", "vosk_model", "strictness", "name", "rate",
    "enabled", "button_pin", "led_pin", "file", "rest_seconds", "hold_seconds", "resume_minutes", "x", "",
])
sections = st.sampled_from(["[audio]", "[speech]", "[voice]", "[gpio]", "[routine]", "[nope]", "[[gpio]]", ""])
config_texts = st.one_of(
    st.lists(st.one_of(sections, st.tuples(keys, toml_values).map(lambda kv: f"{kv[0]} = {kv[1]}")), max_size=12)
    .map("\n".join),
    st.text(max_size=300),
)


def _routine_changed(changes: list[tuple[int, str]]) -> str:
    """The packaged routine with the value of some lines replaced (or a line put in where there is none)."""
    lines = DEFAULT_ROUTINE.splitlines()
    for number, value in changes:
        at = number % len(lines)
        if "=" in lines[at]:
            lines[at] = lines[at].split("=", 1)[0] + "= " + value
        else:
            lines.insert(at, value)
    return "\n".join(lines)


routine_texts = st.one_of(
    st.lists(st.tuples(st.integers(0, 10_000), toml_values), min_size=1, max_size=4).map(_routine_changed),
    st.text(max_size=300),
)


def _wav(fields: tuple[int, int, int, int, int, bytes]) -> bytes:
    fmt_tag, channels, rate, width, claimed, data = fields
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, (rate * channels * width) & 0xFFFFFFFF,
                      (channels * width) & 0xFFFF, (8 * width) & 0xFFFF)
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", claimed) + data)


wav_files = st.one_of(
    st.tuples(st.sampled_from([1, 3, 0xFFFE, 0]), st.integers(0, 2**16 - 1), st.integers(0, 2**32 - 1),
              st.integers(0, 5), st.integers(0, 2**32 - 1), st.binary(max_size=4000)).map(_wav),
    st.binary(max_size=200),
)


def _reads_or_says_why(read: Callable[[], object]) -> None:
    tracemalloc.start()
    try:
        read()
    except AssistantError as error:
        assert error.exit_code in (EXIT_USAGE, EXIT_CONFIG), (type(error).__name__, error)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < LIMIT_MB * 2**20


@FUZZ
@given(config_texts)
def test_any_config_is_read_or_refused_with_a_message(text: str) -> None:
    def read() -> None:
        check_settings(parse_settings(TomlFile.parse(text, "config.toml")))

    _reads_or_says_why(read)


@FUZZ
@given(routine_texts)
def test_any_routine_is_read_or_refused_with_a_message(text: str) -> None:
    _reads_or_says_why(lambda: parse_routine(TomlFile.parse(text, "routine.toml")))


@FUZZ
@given(wav_files)
def test_any_wav_file_is_read_or_refused_with_a_message(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.wav"
        path.write_bytes(data)
        _reads_or_says_why(lambda: sum(len(block) for block in wav_blocks(path, 16_000, 1600)))
        _reads_or_says_why(lambda: Audio.read_wav(path))
