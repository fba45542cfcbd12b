"""`footstretch doctor` on the virtual sound card: a table, a fix per problem, an exit code."""

import json
import os
import subprocess
import sys

import pytest

from assistant.audio.virtual_card import make_virtual_card

pytestmark = pytest.mark.integration


def doctor(tmp_path, *args):
    card = make_virtual_card(tmp_path / "card", b"\x20\x00" * 32000)
    env = {**os.environ, **card.environment(), "XDG_STATE_HOME": str(tmp_path / "state")}
    return subprocess.run([sys.executable, "-m", "assistant", "doctor", *args], env=env,
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


def test_every_part_is_checked_and_problems_come_with_a_fix(tmp_path):
    result = doctor(tmp_path, "--json")
    findings = {f["part"]: f for f in map(json.loads, result.stdout.splitlines())}
    assert list(findings) == ["config", "audio out", "audio in", "speech", "noise", "voice", "gpio", "history", "service"]
    assert findings["audio in"]["status"] == "ok" and "dBFS" in findings["audio in"]["detail"]
    assert findings["audio out"]["status"] == "ok"
    assert findings["noise"] == {"part": "noise", "status": "ok", "detail": "RNNoise", "fix": ""}
    assert findings["gpio"]["status"] == "warn" and "voice-only" in findings["gpio"]["detail"]
    assert all(f["fix"] for f in findings.values() if f["status"] != "ok")
    assert result.returncode == 0


def test_a_broken_config_fails_with_its_line_and_exit_code_1(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[audio]\nvolume = 2\n")
    result = doctor(tmp_path, "--config", str(config))
    assert result.returncode == 1
    assert "config" in result.stdout and "FAIL" in result.stdout
    assert "config.toml:2: audio.volume" in result.stdout and "fix:" in result.stdout
