"""The config file: defaults, the example, and clear rejections."""

import subprocess
import sys

import pytest

from assistant.config import Settings, example_config, parse_settings
from assistant.errors import ConfigError
from assistant.tomlfile import TomlFile


def settings_from(text):
    return parse_settings(TomlFile.parse(text, "config.toml"))


def test_the_example_documents_every_key_at_its_default():
    assert settings_from(example_config()) == Settings(source="config.toml")


def test_an_empty_file_means_every_default():
    assert settings_from("") == Settings(source="config.toml")


@pytest.mark.parametrize(
    "text, message",
    [
        ("[audio]\nvolume = 3\n", "config.toml:2: audio.volume: must be between 0.0 and 1.0, not 3"),
        ("[audio]\n\nnight_start = \"10pm\"\n", "config.toml:3: audio.night_start: must be a time like 22:00"),
        ("[gpio]\nbutton_pn = 3\n", "config.toml:2: gpio.button_pn: unknown key (allowed: enabled, button_pin"),
        ("[speech]\nbackend = \"google\"\n", "config.toml:2: speech.backend: must be one of auto, vosk, pocketsphinx"),
        ("[speech]\n\nstrictness = \"very\"\n", "config.toml:3: speech.strictness: must be one of normal, strict"),
        ("[gpio]\nenabled = \"yes\"\n", "config.toml:2: gpio.enabled: must be a bool"),
        ("[sound]\nvolume = 1\n", "config.toml:1: sound: unknown section"),
        ("[voice]\nrate = 1,\n", "config.toml: not valid TOML"),
    ],
)
def test_bad_values_name_the_file_line_key_and_what_is_allowed(text, message):
    with pytest.raises(ConfigError) as error:
        settings_from(text)
    assert message in str(error.value)


def test_timing_overrides_change_the_routine():
    settings = settings_from("[routine]\nrest_seconds = 3\nhold_seconds = { towel_stretch = 25 }\n")
    routine = settings.load_routine()
    assert routine.rest_seconds == 3 and routine.stretch("towel_stretch").seconds == 25
    assert routine.stretch("heel_stretch").seconds == 30


def test_a_hold_override_for_a_stretch_that_does_not_exist_is_rejected():
    with pytest.raises(ConfigError, match="no stretch called towel"):
        settings_from("[routine]\nhold_seconds = { towel = 25 }\n").load_routine()


def test_config_check_exits_78_with_one_line_and_no_traceback(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[audio]\nvolume = 3\n")
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "config", "check", "--config", str(path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 78
    assert result.stderr.strip().endswith("audio.volume: must be between 0.0 and 1.0, not 3")
    assert "Traceback" not in result.stderr
