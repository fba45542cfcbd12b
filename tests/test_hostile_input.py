"""Careless and hostile input: a clear message and the right exit code, within 300 MB and 10 s, nothing lost."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest

from assistant.errors import EXIT_CONFIG, EXIT_USAGE, ConfigError, DownloadError
from assistant.routine import load_routine
from tests.careless import OWN_FOLDERS, footstretch, files_outside

DEFAULT_ROUTINE = Path(__file__).parents[1] / "assistant" / "routine" / "default.toml"


def routine_text(**changes: str) -> str:
    """The packaged routine with some of its lines replaced ({old line: new line})."""
    text = DEFAULT_ROUTINE.read_text()
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def stretches_repeated(count: int) -> str:
    """A routine of `count` copies of its first stretch."""
    head, first, *_ = DEFAULT_ROUTINE.read_text().split("\n[[stretch]]\n")
    return head + "".join(f"\n[[stretch]]\n{first}".replace('id = "toe_walk"', f'id = "s{n}"') for n in range(count))


def wav_header(rate: int, channels: int = 1, width: int = 2, data: bytes = b"") -> bytes:
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * width, channels * width, 8 * width)
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", len(data)) + data)


# ---- 2. templates are checked when the routine is loaded ----------------------------


@pytest.mark.parametrize("switch", ["Now your {0} foot.", "Now your {side} {foot}.", "Now {side.upper} {side}.",
                                    "Now your {side} foot {", "Now your {side:d} foot."])
def test_a_switch_text_that_would_crash_at_the_side_switch_is_refused_on_load(tmp_path, switch):
    path = tmp_path / "routine.toml"
    path.write_text(routine_text(**{
        'switch = "Now your {side} foot. Uncross,': f'switch = "{switch} Uncross,'
    }))
    with pytest.raises(ConfigError, match=r"routine.toml:\d+: stretch\[2\].switch: is not a usable text"):
        load_routine(path)
    for command in (["routine", "show"], ["simulate", "--event", "0:start"]):
        outcome = footstretch(tmp_path, *command, "--routine", str(path))
        assert outcome.clear and outcome.returncode == EXIT_CONFIG, outcome.stderr
        assert "switch: is not a usable text" in outcome.stderr


def test_config_check_finds_a_bad_template_in_the_routine_the_config_names(tmp_path):
    routine = tmp_path / "mine.toml"
    routine.write_text(routine_text(**{"{side} foot. Uncross": "{0} foot. Uncross"}))
    config = tmp_path / "config.toml"
    config.write_text(f'[routine]\nfile = "{routine}"\n')
    outcome = footstretch(tmp_path, "config", "check", "--config", str(config))
    assert outcome.returncode == EXIT_CONFIG and "switch: is not a usable text" in outcome.stderr


# ---- 3. numbers from the command line ------------------------------------------------


@pytest.mark.parametrize("option, value", [("--button", "nan:press"), ("--event", "nan:start"),
                                           ("--event", "inf:start"), ("--button", "1e9:press"),
                                           ("--event", "-3:start")])
def test_simulate_refuses_times_that_are_not_finite_or_not_within_a_day(tmp_path, option, value):
    outcome = footstretch(tmp_path, "simulate", f"{option}={value}")
    assert outcome.clear and outcome.returncode == EXIT_USAGE, outcome
    assert "the seconds must be" in outcome.stderr and "86400" in outcome.stderr


@pytest.mark.parametrize("limit", ["1e20", "100000000000000000000", "0", "nan"])
def test_history_refuses_a_limit_out_of_range(tmp_path, limit):
    outcome = footstretch(tmp_path, "history", "--limit", limit)
    assert outcome.clear and outcome.returncode == EXIT_USAGE
    assert "argument --limit: must be" in outcome.stderr


# ---- 4. configuration mistakes exit 78 -----------------------------------------------


def test_a_config_nested_a_hundred_thousand_deep_is_a_config_error(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    outcome = footstretch(tmp_path, "config", "check", "--config", str(config))
    assert outcome.clear and outcome.returncode == EXIT_CONFIG
    assert "nested too deeply" in outcome.stderr


@pytest.mark.parametrize("model", ["missing", "broken"])
def test_config_check_refuses_vosk_without_a_usable_model(tmp_path, model):
    directory = tmp_path / "model"
    if model == "broken":
        (directory / "am").mkdir(parents=True)
        (directory / "am" / "final.mdl").write_bytes(b"not a model")
    config = tmp_path / "config.toml"
    config.write_text(f'[speech]\nbackend = "vosk"\nvosk_model = "{directory}"\n')
    outcome = footstretch(tmp_path, "config", "check", "--config", str(config))
    assert outcome.clear and outcome.returncode == EXIT_CONFIG
    assert "config.toml:2: speech.backend:" in outcome.stderr and 'backend = "auto"' in outcome.stderr


def test_the_service_exits_78_when_the_vosk_model_it_is_told_to_use_is_missing(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[speech]\nbackend = "vosk"\nvosk_model = "{tmp_path / "none"}"\n[gpio]\nenabled = false\n')
    outcome = footstretch(tmp_path, "run", "--config", str(config), timeout=60)
    assert outcome.clear and outcome.returncode == EXIT_CONFIG, outcome.stderr
    assert "config.toml:2: speech.backend: no vosk model in" in outcome.stderr


# ---- 5. tracebacks become messages ----------------------------------------------------


def test_a_wav_header_with_rate_zero_is_refused(tmp_path):
    path = tmp_path / "zero.wav"
    path.write_bytes(wav_header(0, data=b"\0" * 3200))
    outcome = footstretch(tmp_path, "recognize", str(path))
    assert outcome.clear and outcome.returncode == EXIT_USAGE
    assert "damaged WAV header (0 Hz" in outcome.stderr


@pytest.mark.parametrize("kind", ["device", "fifo", "huge", "directory"])
def test_a_config_that_is_not_a_small_regular_file_is_refused_at_once(tmp_path, kind):
    path = {"device": Path("/dev/zero"), "fifo": tmp_path / "fifo", "huge": tmp_path / "huge.toml",
            "directory": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    if kind == "huge":
        path.write_text("# padding\n" * 200_000)
    outcome = footstretch(tmp_path, "config", "check", "--config", str(path))
    assert outcome.clear and outcome.returncode == EXIT_CONFIG, outcome
    assert str(path) in outcome.stderr


def _link(name: str) -> zipfile.ZipInfo:
    """A zip member that is a symbolic link."""
    link = zipfile.ZipInfo(name)
    link.external_attr = 0o120777 << 16
    return link


@pytest.mark.parametrize("members, message", [
    ([(_link("model/link"), "/etc"), ("model/link/passwd", "x")], "symbolic link"),
    ([("model/conf", "a file"), ("model/conf/model.conf", "x")], "cannot be unpacked"),
], ids=["a link and a file under it", "a file where a folder must be"])
def test_a_zip_that_cannot_unpack_as_a_model_is_refused_and_leaves_nothing(tmp_path, members, message):
    from assistant.download import unpack_archive_atomically

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for member, data in members:
            zipped.writestr(member, data)
    archive = tmp_path / "model.zip"
    archive.write_bytes(buffer.getvalue())
    with pytest.raises(DownloadError, match=message):
        unpack_archive_atomically(archive, tmp_path / "models" / "m")
    assert list((tmp_path / "models").iterdir()) == []


# ---- 6. manifest names stay inside their directory -------------------------------------


def test_a_model_name_that_climbs_out_of_the_data_dir_is_refused(tmp_path, monkeypatch):
    from assistant.errors import InputError
    from assistant.speech import models

    manifest = tmp_path / "models.json"
    manifest.write_text(json.dumps({"../../escape": {"url": "http://127.0.0.1:9/m.zip", "sha256": "0" * 64}}))
    monkeypatch.setenv(models.MANIFEST_ENV, str(manifest))
    with pytest.raises(InputError, match="'../../escape' is not a plain file name"):
        models.fetch("../../escape", tmp_path / "models")
    assert not (tmp_path / "escape").exists() and not (tmp_path / "models").exists()


def test_a_voice_name_that_climbs_out_of_the_voices_dir_is_refused(tmp_path):
    from assistant.speech.voices import load_manifest

    manifest = tmp_path / "voices.toml"
    manifest.write_text(
        '[[voice]]\nname = "../../escape"\nlanguage = "en"\nquality = "low"\nlicence = "MIT"\n'
        'url = "http://127.0.0.1:9/v.onnx"\nsha256 = "aa"\nconfig_url = "http://127.0.0.1:9/v.json"\n'
        'config_sha256 = "bb"\n'
    )
    with pytest.raises(ConfigError, match=r"voices.toml:2: voice.name: '../../escape' is not a plain file name"):
        load_manifest(manifest)


# ---- 7. nonsense that looked valid ---------------------------------------------------------


@pytest.mark.parametrize("text, message", [
    ("[gpio]\nbutton_pin = 27\n", "config.toml:2: gpio.button_pin: the button and the LED cannot share GPIO 27"),
    ("[gpio]\nbutton_pin = 5\nled_pin = 5\n", "config.toml:3: gpio.led_pin: the button and the LED cannot share"),
    ('[audio]\nnight_start = "07:00"\n', "config.toml:2: audio.night_start: night_start and night_end are both"),
    ("[routine]\nrest_seconds = -0.5\n", "config.toml:2: routine.rest_seconds: must be between 0 and 300, or -1"),
    ("[routine]\nswitch_seconds = -2\n", "config.toml:2: routine.switch_seconds: must be between 0 and 120"),
])
def test_values_that_cannot_work_together_or_at_all_are_refused(tmp_path, text, message):
    config = tmp_path / "config.toml"
    config.write_text(text)
    outcome = footstretch(tmp_path, "config", "check", "--config", str(config))
    assert outcome.clear and outcome.returncode == EXIT_CONFIG
    assert message in outcome.stderr


def test_minus_one_still_keeps_the_routines_own_timing(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[routine]\nrest_seconds = -1\n")
    outcome = footstretch(tmp_path, "config", "check", "--config", str(config))
    assert outcome.returncode == 0 and "rest_seconds = -1.0" in outcome.stdout


def test_a_routine_of_two_thousand_stretches_is_refused_not_shown_as_a_day(tmp_path):
    path = tmp_path / "routine.toml"
    path.write_text(stretches_repeated(2000))
    outcome = footstretch(tmp_path, "routine", "show", "--routine", str(path))
    assert outcome.clear and outcome.returncode == EXIT_CONFIG
    assert "2000 stretches; a routine holds at most 50" in outcome.stderr


def test_a_long_routine_shows_its_own_length(tmp_path):
    path = tmp_path / "routine.toml"
    path.write_text(stretches_repeated(40))
    outcome = footstretch(tmp_path, "routine", "show", "--routine", str(path), "--json")
    shown = json.loads(outcome.stdout)["total_seconds"]
    simulated = footstretch(tmp_path, "simulate", "--routine", str(path), "--event", "0:start", "--json")
    assert shown == pytest.approx(json.loads(simulated.stdout.splitlines()[-1])["t"], abs=0.01)
    assert 30 * 60 < shown < 40 * 60


def test_timing_overrides_cannot_make_a_routine_endless(tmp_path):
    routine = tmp_path / "routine.toml"
    routine.write_text(stretches_repeated(20))
    config = tmp_path / "config.toml"
    holds = ", ".join(f"s{n} = 600" for n in range(20))
    config.write_text(f'[routine]\nfile = "{routine}"\nrest_seconds = 300\nhold_seconds = {{ {holds} }}\n')
    outcome = footstretch(tmp_path, "config", "check", "--config", str(config))
    assert outcome.clear and outcome.returncode == EXIT_CONFIG
    assert "with these timings the routine could take up to" in outcome.stderr


# ---- 8. control characters never reach the terminal ----------------------------------------


@pytest.mark.parametrize("character", ["\\u0007", "\\u001b[2J", "\\u0000", "\\u009b"])
def test_control_characters_in_a_routine_are_refused_by_name(tmp_path, character):
    path = tmp_path / "routine.toml"
    path.write_text(routine_text(**{'name = "toe walking"': f'name = "toe{character} walking"'}))
    for command in (["routine", "show"], ["simulate", "--event", "0:start"]):
        outcome = footstretch(tmp_path, *command, "--routine", str(path))
        assert outcome.clear and outcome.returncode == EXIT_CONFIG
        assert "stretch.name: holds the control character" in outcome.stderr
        assert not any(ord(c) < 32 and c != "\n" for c in outcome.stdout + outcome.stderr)


def test_control_characters_in_a_list_or_a_config_value_are_refused_too(tmp_path):
    path = tmp_path / "routine.toml"
    path.write_text(routine_text(**{'"Stand tall and keep breathing."': '"Stand tall\\u001b and keep breathing."'}))
    with pytest.raises(ConfigError, match=r"routine.toml:\d+: stretch.cues: holds the control character '\\x1b'"):
        load_routine(path)
    config = tmp_path / "config.toml"
    config.write_text('[audio]\ninput_device = "USB\\u0007"\n')
    outcome = footstretch(tmp_path, "config", "check", "--config", str(config))
    assert outcome.returncode == EXIT_CONFIG and "audio.input_device: holds the control character" in outcome.stderr


# ---- 9. nothing written outside its own directories ---------------------------------------


@pytest.mark.integration
def test_speaking_and_hearing_write_nothing_outside_footstretchs_own_folders(tmp_path):
    (tmp_path / "data" / "footstretch").mkdir(parents=True)
    spoken = footstretch(tmp_path, "say", "Pause.", "--out", str(tmp_path / "data" / "footstretch" / "pause.wav"))
    assert spoken.returncode == 0, spoken.stderr
    heard = footstretch(tmp_path, "recognize", str(tmp_path / "data" / "footstretch" / "pause.wav"), "--json")
    assert heard.returncode == 0 and json.loads(heard.stdout)["intent"] == "pause"
    assert footstretch(tmp_path, "devices").returncode in (0, 1)
    assert files_outside(tmp_path, OWN_FOLDERS) == []


# ---- 10. messages that say what is wrong ------------------------------------------------------


def test_history_says_when_the_state_directory_is_a_file(tmp_path):
    (tmp_path / "state-file").write_text("")
    outcome = footstretch(tmp_path, "history", "--state-dir", str(tmp_path / "state-file"))
    assert outcome.clear and outcome.returncode == 1
    assert "is a file, not a directory" in outcome.stderr and "No sessions" not in outcome.stdout


def test_history_says_when_its_file_is_a_directory(tmp_path):
    (tmp_path / "state" / "footstretch" / "history.sqlite3").mkdir(parents=True)
    outcome = footstretch(tmp_path, "history")
    assert outcome.clear and outcome.returncode == 1
    assert "history.sqlite3 is a directory, not a history file" in outcome.stderr
