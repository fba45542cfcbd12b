"""The routine as data, and a person's own routine file."""

import json
import subprocess
import sys
from importlib import resources

import pytest

from assistant.errors import ConfigError
from assistant.routine import default_routine, load_routine

DEFAULT_TEXT = resources.files("assistant.routine").joinpath("default.toml").read_text()


def test_the_six_stretches_in_the_article_order_within_its_ranges():
    routine = default_routine()
    assert [s.id for s in routine.stretches] == [
        "toe_walk", "toe_stretch", "ankle_circles", "foot_massage", "towel_stretch", "heel_stretch",
    ]
    by_id = {s.id: s for s in routine.stretches}
    assert 20 <= by_id["toe_walk"].seconds <= 30 and not by_id["toe_walk"].sides
    assert 3 <= by_id["toe_stretch"].reps <= 4 and by_id["toe_stretch"].sides
    assert 15 <= by_id["ankle_circles"].seconds <= 20
    assert by_id["foot_massage"].needs == ("a tennis ball",)
    assert by_id["towel_stretch"].seconds == 30 and by_id["towel_stretch"].needs == ("a small towel",)
    assert by_id["heel_stretch"].seconds == 30 and by_id["heel_stretch"].sides


def write(tmp_path, text):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    return path


def test_a_person_can_load_their_own_routine(tmp_path):
    text = DEFAULT_TEXT.replace("seconds = 25", "seconds = 20", 1)
    assert load_routine(write(tmp_path, text)).stretches[0].seconds == 20


@pytest.mark.parametrize(
    "change, expected",
    [
        (("seconds = 25", "seconds = \"long\""), r"mine.toml:\d+: stretch.seconds: must be a number"),
        (("reps = 3", "reps = 0"), r"mine.toml:\d+: stretch\[2\].reps: must be between 1 and 20"),
        (("side_word = \"leg\"", "side_word = \"arm\""), r"stretch\[3\].side_word: must be 'foot' or 'leg'"),
        (("rest_seconds = 8", "rest_secs = 8"), r"mine.toml:\d+: routine.rest_secs: unknown key"),
        (("id = \"towel_stretch\"", "id = \"toe_walk\""), r"stretch\[5\].id: 'toe_walk' is used twice"),
        (("\n[routine]\n", "\n[routine\n"), r"mine.toml: not valid TOML: .*line"),
    ],
)
def test_a_malformed_routine_names_the_file_key_line_and_reason(tmp_path, change, expected):
    path = write(tmp_path, DEFAULT_TEXT.replace(*change, 1))
    with pytest.raises(ConfigError, match=expected):
        load_routine(path)


def test_the_line_named_is_the_line_of_the_bad_key(tmp_path):
    text = DEFAULT_TEXT.replace("reps = 3", "reps = 99", 1)
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_routine(path)
    line = int(str(error.value).split(":")[1])
    assert text.splitlines()[line - 1] == "reps = 99"


def footstretch(*args):
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, timeout=60,
    )


def test_simulate_rejects_a_bad_routine_file_without_a_traceback(tmp_path):
    path = write(tmp_path, DEFAULT_TEXT.replace("reps = 3", "reps = 99", 1))
    result = footstretch("simulate", "--routine", str(path), "--event", "0:start")
    assert result.returncode == 78
    assert "reps: must be between 1 and 20" in result.stderr and "Traceback" not in result.stderr


def test_routine_show_json_lists_the_stretches_and_total_time():
    result = footstretch("routine", "show", "--json")
    shown = json.loads(result.stdout)
    assert [s["id"] for s in shown["stretches"]][0] == "toe_walk"
    assert 8 * 60 < shown["total_seconds"] < 12 * 60
