"""The systemd notify adapter, talking to a real datagram socket as systemd would listen on."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.notify import JournalFormatter, Notifier, stderr_is_journal


@pytest.fixture
def systemd_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A datagram socket bound in a temp dir, standing in for /run/systemd/notify."""
    path = tmp_path / "notify"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(path))
    listener.settimeout(5)
    yield listener, str(path)
    listener.close()


def received(listener: socket.socket) -> str:
    """One datagram as text."""
    return listener.recv(4096).decode("utf-8")


def test_ready_watchdog_status_and_stopping_reach_systemd(systemd_socket: tuple[socket.socket, str]) -> None:
    listener, path = systemd_socket
    with Notifier({"NOTIFY_SOCKET": path}) as notifier:
        assert notifier.enabled
        notifier.ready("listening")
        assert received(listener) == "READY=1\nSTATUS=listening"
        notifier.watchdog()
        assert received(listener) == "WATCHDOG=1"
        notifier.status("ankle circles, left side")
        assert received(listener) == "STATUS=ankle circles, left side"
        notifier.stopping()
        assert received(listener) == "STOPPING=1"


def test_a_newline_in_a_status_cannot_inject_another_assignment(systemd_socket: tuple[socket.socket, str]) -> None:
    listener, path = systemd_socket
    with Notifier({"NOTIFY_SOCKET": path}) as notifier:
        notifier.status("line one\nREADY=1")
    assert received(listener) == "STATUS=line one READY=1"


def test_abstract_socket_named_with_at_sign() -> None:
    name = f"footstretch-test-{uuid.uuid4().hex}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind("\0" + name)
    listener.settimeout(5)
    try:
        with Notifier({"NOTIFY_SOCKET": "@" + name}) as notifier:
            notifier.ready()
        assert received(listener) == "READY=1"
    finally:
        listener.close()


def test_everything_is_a_no_op_outside_systemd() -> None:
    notifier = Notifier({})
    assert not notifier.enabled
    assert notifier.watchdog_interval() is None
    notifier.ready()
    notifier.watchdog()
    notifier.status("x")
    notifier.stopping()
    notifier.close()
    notifier.close()


def test_watchdog_interval_is_for_this_process_only() -> None:
    env = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1234"}
    assert Notifier(env, pid=1234).watchdog_interval() == 30.0
    assert Notifier(env, pid=999).watchdog_interval() is None
    assert Notifier({"WATCHDOG_USEC": "15000000"}, pid=999).watchdog_interval() == 15.0
    assert Notifier({"WATCHDOG_USEC": "0"}).watchdog_interval() is None
    assert Notifier({"WATCHDOG_USEC": "soon"}).watchdog_interval() is None


def test_a_vanished_socket_is_logged_once_and_never_raises(
    systemd_socket: tuple[socket.socket, str], caplog: pytest.LogCaptureFixture
) -> None:
    listener, path = systemd_socket
    os.unlink(path)
    caplog.set_level(logging.WARNING, logger="assistant.notify")
    with Notifier({"NOTIFY_SOCKET": path}) as notifier:
        for _ in range(5):
            notifier.watchdog()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert path in warnings[0].getMessage()


def test_sending_after_close_sends_nothing(systemd_socket: tuple[socket.socket, str]) -> None:
    listener, path = systemd_socket
    notifier = Notifier({"NOTIFY_SOCKET": path})
    notifier.close()
    notifier.ready()
    listener.settimeout(0.05)
    with pytest.raises(TimeoutError):
        listener.recv(4096)


def test_journal_formatter_prefixes_each_line_with_its_priority() -> None:
    formatter = JournalFormatter("%(levelname)s %(message)s")

    def line(level: int, message: str) -> str:
        return formatter.format(logging.LogRecord("x", level, __file__, 1, message, None, None))

    assert line(logging.ERROR, "boom") == "<3>ERROR boom"
    assert line(logging.WARNING, "hm") == "<4>WARNING hm"
    assert line(logging.INFO, "ok") == "<6>INFO ok"
    assert line(logging.DEBUG, "detail") == "<7>DEBUG detail"
    assert line(logging.INFO, "two\nlines") == "<6>INFO two\n<6>lines"


def test_stderr_is_journal_compares_the_real_stream(tmp_path: Path) -> None:
    log = tmp_path / "stderr.log"
    log.touch()
    info = log.stat()
    probe = "from assistant.notify import stderr_is_journal; print(stderr_is_journal())"

    def run(journal_stream: str) -> str:
        with log.open("w") as stderr:
            env = {**os.environ, "JOURNAL_STREAM": journal_stream}
            done = subprocess.run(
                [sys.executable, "-c", probe], stdout=subprocess.PIPE, stderr=stderr, env=env, text=True, timeout=60
            )
        return done.stdout.strip()

    assert run(f"{info.st_dev}:{info.st_ino}") == "True"
    assert run(f"{info.st_dev}:{info.st_ino + 1}") == "False"
    assert not stderr_is_journal({})


def test_a_socket_nobody_reads_never_blocks_the_caller(tmp_path):
    """systemd reads at once; if a reader ever stalls, the service's loop must not stall with it."""
    path = tmp_path / "notify"
    reader = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    reader.bind(str(path))
    notifier = Notifier({"NOTIFY_SOCKET": str(path)})
    began = time.monotonic()
    for number in range(5000):
        notifier.status(f"round {number} of a routine that goes on and on")
    assert time.monotonic() - began < 5
    assert reader.recv(4096).startswith(b"STATUS=round 0")
    reader.close()
    notifier.close()
