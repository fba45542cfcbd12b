"""systemd's notify protocol over `$NOTIFY_SOCKET`, and journal log levels, with no dependency.

Under systemd (`Type=notify`) the service says READY=1 once it listens,
WATCHDOG=1 at least every half `WatchdogSec=` so a stalled loop is restarted,
STATUS= lines that `systemctl status` shows, and STOPPING=1 on the way out.
Outside systemd every call is a no-op, so `footstretch run` behaves the same
in a terminal. A notify failure is logged once and never reaches the caller:
losing a status line must not stop a routine.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Mapping

from assistant.closing import Closing

logger = logging.getLogger(__name__)


class Notifier(Closing):
    """Talks to systemd's notify socket; every method is a no-op when not under systemd."""

    def __init__(self, environ: Mapping[str, str] | None = None, pid: int | None = None) -> None:
        """Read `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID` from `environ` (default: os.environ)."""
        env = os.environ if environ is None else environ
        self._pid = os.getpid() if pid is None else pid
        self._address = _socket_address(env.get("NOTIFY_SOCKET", ""))
        self._watchdog = _watchdog_seconds(env, self._pid)
        self._socket: socket.socket | None = None
        self._failed = False
        self._closed = False

    @property
    def enabled(self) -> bool:
        """True when systemd gave a notify socket to talk to."""
        return self._address is not None

    def ready(self, status: str | None = None) -> None:
        """Tell systemd start-up is done (READY=1), optionally with a status line."""
        self._send("READY=1", status)

    def watchdog(self) -> None:
        """Ping the watchdog (WATCHDOG=1); call it from the loop every `watchdog_interval() / 2`."""
        self._send("WATCHDOG=1")

    def status(self, text: str) -> None:
        """Set the one-line status `systemctl status footstretch` shows."""
        self._send(None, text)

    def stopping(self, status: str | None = None) -> None:
        """Tell systemd the service is shutting down (STOPPING=1)."""
        self._send("STOPPING=1", status)

    def watchdog_interval(self) -> float | None:
        """The watchdog timeout in seconds from `$WATCHDOG_USEC`, or None when there is no watchdog for this process."""
        return self._watchdog

    def close(self) -> None:
        """Close the socket; safe to call more than once."""
        self._closed = True
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _send(self, field: str | None, status: str | None = None) -> None:
        if self._address is None or self._closed:
            return
        lines = [field] if field else []
        if status is not None:
            # The protocol is newline-separated assignments: a newline in the text would start a bogus one.
            lines.append("STATUS=" + " ".join(status.splitlines()))
        try:
            if self._socket is None:
                # Non-blocking: a notify socket nobody reads must never stall the loop
                # (a full queue drops the message and logs, like any other send failure).
                self._socket = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK
                )
            self._socket.sendto("\n".join(lines).encode("utf-8"), self._address)
        except OSError as error:
            if not self._failed:
                logger.warning("cannot notify systemd at %s: %s", self._address, error)
            self._failed = True
            return
        if self._failed:
            logger.info("notifying systemd again")
        self._failed = False


def _socket_address(value: str) -> str | bytes | None:
    """The address to send to: a path, or bytes starting with NUL for an abstract socket ('@name')."""
    if not value:
        return None
    if value.startswith("@"):
        return b"\0" + value[1:].encode("utf-8")
    if value.startswith("/"):
        return value
    logger.warning("ignoring NOTIFY_SOCKET=%s: neither a path nor an abstract name", value)
    return None


def _watchdog_seconds(env: Mapping[str, str], pid: int) -> float | None:
    """`$WATCHDOG_USEC` in seconds, if it is meant for process `pid`."""
    usec = env.get("WATCHDOG_USEC", "")
    owner = env.get("WATCHDOG_PID", "")
    if not usec:
        return None
    # WATCHDOG_PID names the process the watchdog is for; a child that inherited the variables must not ping.
    if owner and owner != str(pid):
        return None
    try:
        value = int(usec)
    except ValueError:
        logger.warning("ignoring WATCHDOG_USEC=%s: not a whole number of microseconds", usec)
        return None
    return value / 1_000_000 if value > 0 else None


# ---- log levels in the journal -------------------------------------------

# sd-daemon(3) priorities: journald reads a "<N>" prefix on each stderr line as the line's level.
_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


class JournalFormatter(logging.Formatter):
    """Prefixes each log line with its sd-daemon priority, so `journalctl -p warning` filters by level."""

    def format(self, record: logging.LogRecord) -> str:
        """Format `record` and put `<N>` in front of every line of it."""
        priority = _priority(record.levelno)
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


def _priority(levelno: int) -> int:
    """The syslog priority of a logging level (levels between the named ones round up in severity)."""
    for level in sorted(_PRIORITY, reverse=True):
        if levelno >= level:
            return _PRIORITY[level]
    return _PRIORITY[logging.DEBUG]


def stderr_is_journal(environ: Mapping[str, str] | None = None) -> bool:
    """True when stderr is connected to journald (systemd sets `$JOURNAL_STREAM` to its device:inode)."""
    env = os.environ if environ is None else environ
    stream = env.get("JOURNAL_STREAM", "")
    device, _, inode = stream.partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        info = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    # A child whose stderr was redirected elsewhere inherits the variable: compare the actual stream.
    return (info.st_dev, info.st_ino) == (int(device), int(inode))
