"""Every session in SQLite in the state dir: when, what was stretched, paused time, how it ended.

Durability: a rollback journal with `synchronous=FULL` and one short
transaction per recorded action, so a power cut or `kill -9` at any moment
loses at most the action being written and never corrupts the file; the
session in progress stays "unfinished" and is where a restart picks up. A
rollback journal rather than WAL, so `footstretch history` can read the file
read-only as another user (WAL readers need write access to the -shm file).

`record` never raises: a full disk or a failing card is logged once and the
coach goes on. A file that is not a readable SQLite database is moved aside
(`<name>.corrupt-<timestamp>`), never deleted, and a fresh one is started.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.closing import Closing
from assistant.coach.messages import (
    Action,
    HoldEnd,
    Paused,
    Resumed,
    RoutineEnd,
    RoutineStart,
    Step,
    StretchDone,
)
from assistant.errors import AssistantError

logger = logging.getLogger(__name__)

FILE_NAME = "history.sqlite3"
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_TRY_SUDO = "the service's history belongs to its user, so try it with sudo"
SCHEMA_VERSION = 1

# How a session ended: reached its end, or the coach's `RoutineEnd.reason` (stopped, or abandoned after a
# pause that went on too long), or interrupted: it never ended (the service died, or a resume offer expired).
COMPLETED = "completed"
STOPPED = "stopped"
INTERRUPTED = "interrupted"

_SCHEMA = """
CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,          -- ISO 8601 as given, with its UTC offset when it had one
    started_ts REAL NOT NULL,          -- the same moment as a Unix time, for comparisons
    day TEXT NOT NULL,                 -- the date it started on, for the streak
    mode TEXT NOT NULL,                -- routine | stretch
    first_stretch TEXT NOT NULL,
    resumed_from INTEGER REFERENCES session(id),
    stretch TEXT NOT NULL,             -- where it is now: updated on every step
    side TEXT,
    holds INTEGER NOT NULL DEFAULT 0,  -- holds begun and ended, cut short or not
    paused_seconds REAL NOT NULL DEFAULT 0,
    paused_since_ts REAL,              -- set while paused, so a stop during a pause still counts the pause
    last_at TEXT NOT NULL,             -- the last moment recorded: when an interrupted session is taken to end
    last_ts REAL NOT NULL,
    ended_at TEXT,
    ending TEXT CHECK (ending <> ''),  -- completed | stopped | abandoned | interrupted
    skipped TEXT NOT NULL DEFAULT ''   -- comma-separated stretch ids the routine skipped
);
CREATE TABLE stretch_done (
    session_id INTEGER NOT NULL REFERENCES session(id),
    stretch TEXT NOT NULL,
    done_at TEXT NOT NULL
);
CREATE INDEX stretch_done_by_session ON stretch_done(session_id);
"""


@dataclass(frozen=True)
class ResumePoint:
    """Where an unfinished session was when it stopped being recorded."""

    session_id: int
    stretch: str
    side: str | None


@dataclass(frozen=True)
class Session:
    """One session as stored."""

    id: int
    started: datetime
    mode: str
    first_stretch: str
    resumed_from: int | None
    stretch: str
    """The stretch it was on last."""
    side: str | None
    holds: int
    paused_seconds: float
    stretches_done: tuple[str, ...]
    ended: datetime | None
    """None while the session is still going (or was cut short and not yet marked)."""
    ending: str | None
    """completed | stopped | abandoned | interrupted, or None while unfinished."""
    skipped: tuple[str, ...]

    @property
    def duration(self) -> timedelta | None:
        """How long it ran, pauses included; None while unfinished."""
        if self.ended is None:
            return None
        return timedelta(seconds=max(0.0, self.ended.timestamp() - self.started.timestamp()))


def history_path(state_dir: Path) -> Path:
    """The history file inside a state directory."""
    return Path(state_dir) / FILE_NAME


class History(Closing):
    """The session history file; a context manager whose `close()` may be called twice."""

    def __init__(self, path: str | Path, *, readonly: bool = False, busy_timeout: float = 5.0) -> None:
        """Open (creating, or recovering from a corrupt file) the history at `path`; `readonly` never creates or records.

        `busy_timeout` is how many seconds to wait while another process holds the file locked.
        """
        self.path = Path(path)
        self.readonly = readonly
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._session: int | None = None
        self._failing = False
        self._db: sqlite3.Connection | None = (
            self._open_readonly() if readonly else self._open_for_writing()
        )

    # ---- opening ---------------------------------------------------------

    def _open_for_writing(self) -> sqlite3.Connection | None:
        """Open read-write; on any failure log it and return None, so the coach runs without history."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect()
            problem = _damage(db)
            if problem:
                db.close()
                aside = self._move_aside()
                logger.error(
                    "history %s is damaged (%s); moved it to %s and started a fresh one",
                    self.path, problem, aside,
                )
                db = self._connect()
            _prepare(db)
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except (OSError, sqlite3.Error) as error:
            logger.error("cannot open history %s (%s); coaching without recording sessions", self.path, error)
            return None
        if version > SCHEMA_VERSION:
            logger.error(
                "history %s was written by a newer footstretch (schema %s, this one knows %s); "
                "not recording sessions until footstretch is updated",
                self.path, version, SCHEMA_VERSION,
            )
            db.close()
            return None
        return db

    def _open_readonly(self) -> sqlite3.Connection | None:
        """Open without writing anything; None when there is no history yet. Raises AssistantError if unreadable."""
        try:
            present = self.path.exists()
            folder = self.path.parent
            if folder.exists() and not folder.is_dir():
                raise AssistantError(f"the state directory {folder} is a file, not a directory; move it aside")
            if self.path.is_dir():
                raise AssistantError(f"history {self.path} is a directory, not a history file; move it aside")
        except OSError as error:
            raise AssistantError(f"cannot read history {self.path}: {error.strerror.lower()}; {_TRY_SUDO}") from None
        if not present:
            return None
        if not os.access(self.path, os.R_OK):
            raise AssistantError(f"cannot read history {self.path}: permission denied; {_TRY_SUDO}")
        db = self._connect_readonly()
        try:
            db.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error as error:
            # Any other failure is described by the damage check below.
            if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
                db.close()
                self._roll_back_hot_journal()
                db = self._connect_readonly()
        try:
            problem = _damage(db)
            version = db.execute("PRAGMA user_version").fetchone()[0] if not problem else 0
        except sqlite3.Error as error:
            db.close()
            raise AssistantError(f"cannot read history {self.path}: {error}") from None
        if problem:
            db.close()
            raise AssistantError(
                f"history {self.path} is damaged ({problem}); the service moves it aside and starts afresh on its next start"
            )
        if version > SCHEMA_VERSION:
            db.close()
            raise AssistantError(
                f"history {self.path} was written by a newer footstretch (schema {version}); update footstretch to read it"
            )
        if version == 0:
            db.close()
            return None
        return db

    def _connect_readonly(self) -> sqlite3.Connection:
        uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro"
        try:
            return sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False, timeout=self.busy_timeout
            )
        except sqlite3.Error as error:
            raise AssistantError(f"cannot read history {self.path}: {error}") from None

    def _roll_back_hot_journal(self) -> None:
        """A crash left a write half done: let SQLite roll it back, which needs write access for a moment."""
        try:
            db = self._connect()
            try:
                db.execute("PRAGMA user_version").fetchone()
            finally:
                db.close()
        except sqlite3.Error:
            raise AssistantError(
                f"history {self.path} has a write cut short by a crash that must be rolled back first; "
                "the service does that when it starts, or run this as the service's user "
                "(sudo -u footstretch footstretch history --state-dir /var/lib/footstretch)"
            ) from None

    def _connect(self) -> sqlite3.Connection:
        """A read-write connection in autocommit mode: transactions are explicit and short."""
        return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=self.busy_timeout)

    def _move_aside(self) -> Path:
        """Rename the damaged file (and its journal) to `<name>.corrupt-<timestamp>`; a person's history is never deleted."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while aside.exists():
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        self.path.rename(aside)
        journal = self.path.with_name(self.path.name + "-journal")
        if journal.exists():
            journal.rename(aside.with_name(aside.name + "-journal"))
        return aside

    # ---- recording -------------------------------------------------------

    def record(self, action: Action, at: datetime) -> None:
        """Store what `action` means for the session at time `at`; other actions are ignored. Never raises."""
        if isinstance(action, RoutineStart):
            # Forget the old session first: if this insert fails, later steps must not land on it.
            self._session = None
            self._write(self._start, action, at)
        elif self._session is None:
            return
        elif isinstance(action, Step):
            self._write(self._step, action, at)
        elif isinstance(action, HoldEnd):
            self._write(self._hold_end, action, at)
        elif isinstance(action, StretchDone):
            self._write(self._stretch_done, action, at)
        elif isinstance(action, Paused):
            self._write(self._paused, action, at)
        elif isinstance(action, Resumed):
            self._write(self._resumed, action, at)
        elif isinstance(action, RoutineEnd):
            self._write(self._end, action, at)

    def _start(self, db: sqlite3.Connection, action: RoutineStart, at: datetime) -> None:
        resumed_from = None
        if action.resumed:
            # The session being continued: still open, or already closed as interrupted when the offer was made.
            row = db.execute(
                "SELECT max(id) FROM session WHERE ended_at IS NULL OR ending = ?", (INTERRUPTED,)
            ).fetchone()
            resumed_from = row[0]
        # Whatever was still open was cut short: a new session, resumed or not, closes it.
        _close_unfinished(db, None)
        cursor = db.execute(
            "INSERT INTO session (started_at, started_ts, day, mode, first_stretch, resumed_from,"
            " stretch, side, last_at, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                at.isoformat(), at.timestamp(), at.date().isoformat(), action.mode, action.stretch,
                resumed_from, action.stretch, action.side, at.isoformat(), at.timestamp(),
            ),
        )
        self._session = cursor.lastrowid

    def _step(self, db: sqlite3.Connection, action: Step, at: datetime) -> None:
        db.execute(
            "UPDATE session SET stretch = ?, side = ?, last_at = ?, last_ts = ? WHERE id = ?",
            (action.stretch, action.side, at.isoformat(), at.timestamp(), self._session),
        )

    def _hold_end(self, db: sqlite3.Connection, action: HoldEnd, at: datetime) -> None:
        db.execute(
            "UPDATE session SET holds = holds + 1, last_at = ?, last_ts = ? WHERE id = ?",
            (at.isoformat(), at.timestamp(), self._session),
        )

    def _stretch_done(self, db: sqlite3.Connection, action: StretchDone, at: datetime) -> None:
        db.execute(
            "INSERT INTO stretch_done (session_id, stretch, done_at) VALUES (?, ?, ?)",
            (self._session, action.stretch, at.isoformat()),
        )
        self._touch(db, at)

    def _paused(self, db: sqlite3.Connection, action: Paused, at: datetime) -> None:
        db.execute(
            "UPDATE session SET paused_since_ts = ?, last_at = ?, last_ts = ? WHERE id = ?",
            (at.timestamp(), at.isoformat(), at.timestamp(), self._session),
        )

    def _resumed(self, db: sqlite3.Connection, action: Resumed, at: datetime) -> None:
        db.execute(
            "UPDATE session SET paused_seconds = paused_seconds + ?, paused_since_ts = NULL,"
            " last_at = ?, last_ts = ? WHERE id = ?",
            (max(0.0, action.paused_seconds), at.isoformat(), at.timestamp(), self._session),
        )

    def _end(self, db: sqlite3.Connection, action: RoutineEnd, at: datetime) -> None:
        # Stopped while paused: the pause never got its Resumed, so count it up to now.
        db.execute(
            "UPDATE session SET paused_seconds = paused_seconds + max(0, ? - paused_since_ts)"
            " WHERE id = ? AND paused_since_ts IS NOT NULL",
            (at.timestamp(), self._session),
        )
        db.execute(
            "UPDATE session SET ended_at = ?, ending = ?, skipped = ?, paused_since_ts = NULL,"
            " last_at = ?, last_ts = ? WHERE id = ?",
            (
                at.isoformat(), COMPLETED if action.completed else (action.reason or STOPPED), ",".join(action.skipped),
                at.isoformat(), at.timestamp(), self._session,
            ),
        )
        self._session = None

    def _touch(self, db: sqlite3.Connection, at: datetime) -> None:
        db.execute(
            "UPDATE session SET last_at = ?, last_ts = ? WHERE id = ?",
            (at.isoformat(), at.timestamp(), self._session),
        )

    def _write(self, apply: Callable[[sqlite3.Connection, Any, datetime], None], action: Action, at: datetime) -> None:
        """Run `apply(db, action, at)` as one transaction; log the first failure of a run of them, never raise."""
        with self._lock:
            db = self._db
            if db is None:
                return
            try:
                with _transaction(db):
                    apply(db, action, at)
            except sqlite3.Error as error:
                self._write_failed(error)
                return
            if self._failing:
                logger.warning("history %s is being written again", self.path)
                self._failing = False

    def _write_failed(self, error: sqlite3.Error) -> None:
        if not self._failing:
            logger.error(
                "cannot write history %s (%s); coaching goes on, this session may be missing from the history",
                self.path, error,
            )
        else:
            logger.debug("history write failed again: %s", error)
        self._failing = True

    def mark_interrupted(self, session_id: int) -> None:
        """Close an unfinished session as interrupted (the resume offer expired); never raises."""
        self._close(session_id)

    def close_unfinished(self) -> None:
        """Close every unfinished session as interrupted; never raises."""
        self._close(None)

    def _close(self, session_id: int | None) -> None:
        with self._lock:
            db = self._db
            if db is None or self.readonly:
                return
            try:
                with _transaction(db):
                    _close_unfinished(db, session_id)
            except sqlite3.Error as error:
                self._write_failed(error)
                return
            if session_id is None or session_id == self._session:
                self._session = None

    # ---- reading ---------------------------------------------------------

    def unfinished(self, now: datetime, within: timedelta) -> ResumePoint | None:
        """The last session that never ended, if its last recorded moment is no more than `within` before `now`."""
        row = self._query_one(
            "SELECT id, stretch, side, last_ts FROM session WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1"
        )
        if row is None:
            return None
        session_id, stretch, side, last_ts = row
        if now.timestamp() - last_ts > within.total_seconds():
            return None
        return ResumePoint(session_id=session_id, stretch=stretch, side=side)

    def recent(self, limit: int = 10) -> list[Session]:
        """The latest `limit` sessions, newest first."""
        rows = self._query(
            "SELECT id, started_at, mode, first_stretch, resumed_from, stretch, side, holds,"
            " paused_seconds, ended_at, ending, skipped FROM session ORDER BY started_ts DESC, id DESC LIMIT ?",
            (max(0, limit),),
        )
        done: dict[int, list[str]] = {row[0]: [] for row in rows}
        if done:
            marks = ",".join("?" * len(done))
            for session_id, stretch in self._query(
                f"SELECT session_id, stretch FROM stretch_done WHERE session_id IN ({marks}) ORDER BY rowid",
                tuple(done),
            ):
                done[session_id].append(stretch)
        return [
            Session(
                id=row[0],
                started=datetime.fromisoformat(row[1]),
                mode=row[2],
                first_stretch=row[3],
                resumed_from=row[4],
                stretch=row[5],
                side=row[6],
                holds=row[7],
                paused_seconds=row[8],
                stretches_done=tuple(done[row[0]]),
                ended=datetime.fromisoformat(row[9]) if row[9] else None,
                ending=row[10],
                skipped=tuple(s for s in row[11].split(",") if s),
            )
            for row in rows
        ]

    def streak(self, today: date) -> int:
        """Consecutive days, ending today or yesterday, with at least one session that did some stretching."""
        days = {
            date.fromisoformat(day)
            for (day,) in self._query(
                "SELECT DISTINCT day FROM session WHERE day <= ? AND"
                " (holds > 0 OR EXISTS (SELECT 1 FROM stretch_done WHERE session_id = session.id))",
                (today.isoformat(),),
            )
        }
        # A streak still counts in the morning before today's session: start from yesterday then.
        day = today if today in days else today - timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        return count

    def _query(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._db is None:
                return []
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                raise AssistantError(f"cannot read history {self.path}: {error}") from None

    def _query_one(self, sql: str) -> tuple[Any, ...] | None:
        rows = self._query(sql)
        return rows[0] if rows else None

    # ---- lifetime --------------------------------------------------------

    def close(self) -> None:
        """Close the file; safe to call more than once. An unfinished session stays unfinished, to be resumed."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One short write transaction: committed as a whole or not at all."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # SQLite may already have rolled back by itself (a full disk does that), so this can fail harmlessly.
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise
    db.execute("COMMIT")


def _close_unfinished(db: sqlite3.Connection, session_id: int | None) -> None:
    """Mark unfinished sessions (one, or all) interrupted, ending at their last recorded moment."""
    where = "ended_at IS NULL" + ("" if session_id is None else " AND id = ?")
    parameters: tuple[object, ...] = (INTERRUPTED,) if session_id is None else (INTERRUPTED, session_id)
    db.execute(f"UPDATE session SET ending = ?, ended_at = last_at, paused_since_ts = NULL WHERE {where}", parameters)


def _prepare(db: sqlite3.Connection) -> None:
    """Set the durability settings and create the schema in a new file."""
    db.execute("PRAGMA journal_mode = DELETE")
    # FULL: the journal and the database are synced at every commit, so a power cut keeps what was committed.
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("PRAGMA user_version").fetchone()[0] != 0:
        return
    try:
        db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _damage(db: sqlite3.Connection) -> str | None:
    """What is wrong with an opened database file, or None when it is sound; other failures (locked, I/O) raise."""
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        # Only "not a database" and "corrupt" mean damage: a locked or unreadable file must never be moved aside.
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return str(error)
        raise
    results = [row[0] for row in rows]
    return None if results == ["ok"] else "; ".join(results[:3])
