"""The recognizer in a process of its own, behind the `CommandListener` interface.

pocketsphinx's Python binding keeps the GIL while it decodes: ending one long
utterance took 161–173 ms on the development machine, with every other thread
of the process frozen (`python -m benchmarks.gil_stall`). In the
service's process that stopped the speaker's PortAudio callback, the voice's
worker and the event loop whenever anyone, the coach included, stopped
talking: a prompt could glitch or start late. In a child process the decoder
has a core to itself, and the service's thread only waits on a socket.

The child is a new interpreter running this module (`python -m`), not a
fork (forking a process that runs PortAudio threads is unsafe) and not
multiprocessing's "spawn", which runs the parent's main script again and so
breaks any script without a `__main__` guard. It ignores SIGINT and SIGTERM
(the service decides when it stops, while systemd and a terminal signal the
whole group) and exits when its socket closes. Its log records go to the
service's handlers, so the journal reads as if it were one process. A child
that dies is started again by `reset`, which `Ears` calls after any failure.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from dataclasses import replace
from logging.handlers import QueueHandler
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from assistant.closing import Closing
from assistant.errors import ModelError
from assistant.speech.vad import RATE

logger = logging.getLogger(__name__)

STOP_SECONDS = 2.0
"""How long a closing child has to exit before it is killed."""


class ListenerProcess(Closing):
    """A `CommandListener` opened by `open_listener(...)` in a child process; same methods."""

    def __init__(self, backend: str, model_dir: Path | None, routine: Any, strictness: str = "normal") -> None:
        self._arguments = (backend, model_dir, routine, strictness)
        self._listening: frozenset[str] | None = None
        self._closed = False
        self._fed = 0
        """Samples given to the running child."""
        self._offset = 0.0
        """Seconds of audio given to children before it: its stream starts there."""
        self.backend = self._start()
        """Which decoder is listening ("vosk" or "pocketsphinx")."""

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    def feed(self, frames: np.ndarray) -> list[Any]:
        """Take 16 kHz int16 mono samples; return the `HeardCommand`s whose utterance just ended."""
        self._fed += len(frames)
        return self._placed(self._call("feed", frames))

    def skip(self, samples: int) -> None:
        """`samples` of quiet went by undecoded (see `CommandListener.skip`)."""
        self._fed += samples
        self._call("skip", samples)

    def pause(self) -> list[Any]:
        """Decide on an utterance still open (see `CommandListener.pause`)."""
        return self._placed(self._call("pause"))

    def flush(self) -> list[Any]:
        """Decide on an utterance still open, as at the end of a stream."""
        return self._placed(self._call("flush"))

    def _placed(self, heard: list[Any]) -> list[Any]:
        """Commands with stream times counted from this object's first sample, across restarts."""
        if self._offset:
            heard = [replace(c, start=round(c.start + self._offset, 3), end=round(c.end + self._offset, 3))
                     for c in heard]
        return heard

    def listen_for(self, intents: frozenset[str] | None) -> None:
        """Hear only phrases of these intents (None: all), from the next utterance on; cheap when unchanged."""
        if intents == self._listening:
            return
        self._listening = intents
        self._call("listen_for", intents)

    def reset(self) -> None:
        """Drop any utterance in progress; start the child again if it died."""
        if self._closed:
            return
        if self._connection.closed or self._process.poll() is not None:
            self._restart()
            return
        self._call("reset")

    def close(self) -> None:
        """End the child; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._connection.close()
        self._end_child()

    def _restart(self) -> None:
        """Start a new child whose stream goes on where the dead one's ended.

        A killed child's socket closes a moment before the kernel lets it be
        reaped (under load, long enough for `reset` to come in between), so a
        call that finds the socket closed closes our end too, and a child
        whose socket closed is waited for rather than polled.
        """
        self._connection.close()
        self._end_child()
        logger.warning("the recognizer's process ended (exit code %s); starting it again",
                       self._process.returncode)
        self._offset += self._fed / RATE
        self._fed = 0
        self._start()
        self._call("listen_for", self._listening)

    def _end_child(self) -> None:
        """Wait for the child to exit now that its socket is closed; kill it if it does not."""
        try:
            self._process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _start(self) -> str:
        ours, theirs = socket.socketpair()
        # The package may be importable only through the parent's working directory or path.
        path = [str(Path(__file__).resolve().parents[2]), *filter(None, [os.environ.get("PYTHONPATH")])]
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
            )
        self._connection = Connection(ours.detach())
        self._connection.send((*self._arguments, logging.getLogger().getEffectiveLevel()))
        return self._reply()

    def _call(self, name: str, *args: Any) -> Any:
        if self._closed:
            raise RuntimeError("the recognizer is closed")
        try:
            self._connection.send((name, *args))
        except OSError as error:
            self._connection.close()
            raise RuntimeError("the recognizer's process ended") from error
        return self._reply()

    def _reply(self) -> Any:
        while True:
            try:
                kind, value = self._connection.recv()
            except (EOFError, OSError) as error:
                self._connection.close()
                raise RuntimeError("the recognizer's process ended") from error
            if kind == "log":
                logging.getLogger(value.name).handle(value)
            elif kind == "model_error":
                raise ModelError(value)
            elif kind == "failed":
                raise RuntimeError(f"the recognizer failed: {value}")
            else:
                return value


class _ToParent:
    """What `QueueHandler` puts log records into: the child's end of the socket."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def put_nowait(self, record: logging.LogRecord) -> None:
        self._connection.send(("log", record))


def _serve(connection: Connection, backend: str, model_dir: Path | None, routine: Any, strictness: str,
           level: int) -> None:
    """The child: open the listener, then answer calls until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(_ToParent(connection))]
    root.setLevel(level)
    from assistant.speech.listener import open_listener

    try:
        listener = open_listener(backend, model_dir, routine, strictness=strictness)
    except ModelError as error:
        connection.send(("model_error", str(error)))
        return
    connection.send(("ok", listener.backend))
    with listener:
        while True:
            try:
                name, *args = connection.recv()
            except (EOFError, OSError):
                return
            try:
                result = getattr(listener, name)(*args)
            except Exception as error:  # noqa: BLE001 - reported to the service, which listens on
                logger.exception("the recognizer failed")
                connection.send(("failed", f"{type(error).__name__}: {error}"))
            else:
                connection.send(("ok", result))


def main() -> None:
    """`python -m assistant.speech.listener_process FD`: serve the socket `FD`."""
    connection = Connection(int(sys.argv[1]))
    _serve(connection, *connection.recv())


if __name__ == "__main__":
    main()
