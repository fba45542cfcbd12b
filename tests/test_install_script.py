"""The Pi install and uninstall scripts: valid bash, and a dry run that shows every step and changes nothing."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INSTALL = REPO / "scripts" / "install-pi.sh"
UNINSTALL = REPO / "scripts" / "uninstall-pi.sh"
SYSTEM_PATHS = [
    Path("/opt/footstretch"),
    Path("/etc/footstretch"),
    Path("/etc/systemd/system/footstretch.service"),
    Path("/usr/local/bin/footstretch"),
    Path("/var/lib/footstretch"),
    Path("/var/cache/footstretch"),
    Path("/usr/share/doc/footstretch"),
]


def script(path: Path, *args: str, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a script; `unprivileged` drops to nobody first when the tests run as root."""
    command = ["bash", str(path), *args]
    if unprivileged and os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL)


def commands(output: str) -> list[str]:
    """The commands a dry run says it would run."""
    return [line[2:] for line in output.splitlines() if line.startswith("+ ")]


def existing() -> dict[Path, bool]:
    """Which of the installed paths exist right now."""
    return {path: path.exists() or path.is_symlink() for path in SYSTEM_PATHS}


@pytest.mark.parametrize("path", [INSTALL, UNINSTALL], ids=["install", "uninstall"])
def test_scripts_are_valid_bash(path: Path) -> None:
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr


def test_install_dry_run_shows_every_step_and_changes_nothing() -> None:
    before = existing()
    done = script(INSTALL, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert existing() == before
    steps = commands(done.stdout)
    joined = "\n".join(steps)

    apt = next(s for s in steps if "apt-get install" in s)
    for package in ("python3-venv", "libportaudio2", "python3-lgpio"):
        assert package in apt.split()
    assert "espeak-ng" not in apt.split()
    assert re.search(r"^(useradd .*--system .*--groups audio,gpio .*footstretch|usermod --append --groups audio,gpio footstretch)$",
                     joined, re.MULTILINE)
    # The package is built from a copy of the checkout, so no root-owned build files land in it.
    copy = next(s for s in steps if s.startswith(f"tar -C {REPO} "))
    assert "--exclude=./.venv" in copy.split()
    pip = next(s for s in steps if s.startswith("/opt/footstretch/venv/bin/pip install"))
    assert pip.replace("\\", "").endswith("/tree[rnnoise]") and str(REPO) not in pip
    assert any(s.endswith("footstretch models --data-dir /var/lib/footstretch/models fetch vosk-model-small-en-us-0.15")
               for s in steps)
    assert any(s.endswith("footstretch voices prepare") and s.startswith("runuser -u footstretch") for s in steps)
    assert f"install -m 0644 {REPO}/systemd/footstretch.service /etc/systemd/system/footstretch.service" in steps
    assert steps[-2:] == ["systemctl enable footstretch.service", "systemctl restart footstretch.service"]
    # The config is written only when there is none, and never overwritten.
    if Path("/etc/footstretch/config.toml").exists():
        assert "Keeping the existing config" in done.stdout
    else:
        assert "/opt/footstretch/venv/bin/footstretch config example > /etc/footstretch/config.toml" in steps


def test_install_can_add_espeak() -> None:
    done = script(INSTALL, "--dry-run", "--with-espeak")
    apt = next(s for s in commands(done.stdout) if "apt-get install" in s)
    assert "espeak-ng" in apt.split()


def test_the_installed_program_is_the_one_the_unit_starts() -> None:
    unit = (REPO / "systemd" / "footstretch.service").read_text()
    exec_start = re.search(r"^ExecStart=(\S+)", unit, re.MULTILINE)
    assert exec_start
    steps = commands(script(INSTALL, "--dry-run").stdout)
    assert f"ln -sfn {exec_start.group(1)} /usr/local/bin/footstretch" in steps


def test_install_without_root_refuses_and_a_dry_run_needs_none() -> None:
    done = script(INSTALL, unprivileged=True)
    assert done.returncode == 1
    assert "run it as root" in done.stderr
    assert script(INSTALL, "--dry-run", unprivileged=True).returncode == 0


def test_install_rejects_an_unknown_option() -> None:
    done = script(INSTALL, "--yes-please")
    assert done.returncode == 2
    assert "unknown option --yes-please" in done.stderr


def test_uninstall_keeps_history_and_config_unless_purged() -> None:
    before = existing()
    kept = script(UNINSTALL, "--dry-run")
    assert kept.returncode == 0, kept.stderr
    removed = " ".join(commands(kept.stdout))
    assert "systemctl disable --now footstretch.service" in removed
    assert "/opt/footstretch" in removed
    assert "/var/lib/footstretch" not in removed
    assert "/etc/footstretch" not in removed
    assert "userdel" not in removed

    purged = script(UNINSTALL, "--dry-run", "--purge")
    assert purged.returncode == 0, purged.stderr
    removed = commands(purged.stdout)
    assert "rm -rf /var/lib/footstretch /etc/footstretch" in removed
    assert "userdel footstretch" in removed
    assert existing() == before


def test_every_footstretch_command_the_install_runs_is_one_the_cli_accepts() -> None:
    from assistant.cli import build_parser

    parser = build_parser()
    steps = commands(script(INSTALL, "--dry-run").stdout)
    calls = [
        s.split(" > ")[0].split()
        for s in steps
        if "/opt/footstretch/venv/bin/footstretch " in s and not s.startswith("ln ")
    ]
    argvs = [words[words.index("/opt/footstretch/venv/bin/footstretch") + 1:] for words in calls]
    assert [argv[0] for argv in argvs] == ["models", "config", "voices"]
    for argv in argvs:
        args = parser.parse_args(argv)
        assert callable(args.func), argv
