"""Session history in a real SQLite file: what it records, what it survives, and `footstretch history`."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant import cli
from assistant.coach.messages import (
    Beep,
    HoldEnd,
    HoldStart,
    Paused,
    Resumed,
    RoutineEnd,
    RoutineStart,
    Say,
    Step,
    StretchDone,
)
from assistant.errors import AssistantError
from assistant.history import History, ResumePoint, history_path
from assistant.paths import cache_dir, config_paths, data_dir, state_dir

EVENING = datetime(2025, 3, 3, 21, 0, tzinfo=timezone(timedelta(hours=1)))
STRETCHES = ("toe_walk", "toe_stretch", "ankle_circles", "foot_massage", "towel_stretch", "heel_stretch")


def at(seconds: float, start: datetime = EVENING) -> datetime:
    """A moment `seconds` after `start`."""
    return start + timedelta(seconds=seconds)


def play_stretch(history: History, stretch: str, t: float, start: datetime = EVENING, side: str | None = None) -> float:
    """Record one round of `stretch` from `t`; returns the time after it."""
    history.record(Step(stretch, side, 1, 1, STRETCHES.index(stretch), len(STRETCHES)), at(t, start))
    history.record(HoldStart(stretch, side, 1, 30), at(t + 10, start))
    history.record(HoldEnd(stretch, side, 1), at(t + 40, start))
    history.record(StretchDone(stretch), at(t + 41, start))
    return t + 45


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    """A fresh history file in a temp state dir."""
    with History(history_path(tmp_path)) as opened:
        yield opened


# ---- what gets recorded --------------------------------------------------


def test_a_whole_session_is_recorded(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    t = 0.0
    for stretch in STRETCHES[:3]:
        t = play_stretch(history, stretch, t)
    history.record(Paused("foot_massage", None), at(t))
    history.record(Resumed(paused_seconds=20), at(t + 20))
    history.record(RoutineEnd(completed=True, reason="finished", skipped=STRETCHES[3:]), at(t + 60))

    [session] = history.recent()
    assert session.started == EVENING
    assert session.mode == "routine"
    assert session.stretches_done == STRETCHES[:3]
    assert session.holds == 3
    assert session.paused_seconds == 20
    assert session.ending == "completed"
    assert session.skipped == STRETCHES[3:]
    assert session.duration == timedelta(seconds=t + 60)


def test_actions_that_are_not_about_the_session_change_nothing(history: History) -> None:
    history.record(Step("toe_walk", None, 1, 1, 0, 6), at(0))
    history.record(StretchDone("toe_walk"), at(1))
    assert history.recent() == []
    history.record(RoutineStart("stretch", "heel_stretch"), at(2))
    history.record(Say("Ready?"), at(3))
    history.record(Beep("start"), at(4))
    [session] = history.recent()
    assert (session.holds, session.stretches_done, session.ending) == (0, (), None)


def test_stopping_while_paused_counts_the_pause(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    history.record(Paused("toe_walk", None), at(10))
    history.record(RoutineEnd(completed=False, reason="abandoned"), at(310))
    [session] = history.recent()
    assert session.paused_seconds == 300
    assert session.ending == "abandoned"


def test_a_stopped_session_says_so(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    play_stretch(history, "toe_walk", 0)
    history.record(RoutineEnd(completed=False, reason="stopped"), at(50))
    assert history.recent()[0].ending == "stopped"


def test_recent_is_newest_first_and_limited(history: History) -> None:
    for day in range(5):
        start = at(day * 86400)
        history.record(RoutineStart("routine", STRETCHES[day]), start)
        history.record(RoutineEnd(completed=False, reason="stopped"), start + timedelta(minutes=1))
    recent = history.recent(limit=3)
    assert [s.first_stretch for s in recent] == ["towel_stretch", "foot_massage", "ankle_circles"]


# ---- picking up where it left off ----------------------------------------


def test_an_unfinished_session_knows_where_it_was(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    with History(path) as history:
        history.record(RoutineStart("routine", "toe_walk"), at(0))
        t = play_stretch(history, "toe_walk", 0)
        history.record(Step("toe_stretch", "right", 1, 1, 1, 6), at(t))
        history.record(Step("toe_stretch", "left", 1, 1, 1, 6), at(t + 50))
    # A restart: a new process opens the same file.
    with History(path) as history:
        point = history.unfinished(at(t + 50 + 600), within=timedelta(minutes=30))
        assert point == ResumePoint(session_id=1, stretch="toe_stretch", side="left")
        assert history.unfinished(at(t + 50 + 3600), within=timedelta(minutes=30)) is None


def test_a_session_that_ended_is_not_offered(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    history.record(RoutineEnd(completed=False, reason="stopped"), at(5))
    assert history.unfinished(at(6), within=timedelta(hours=1)) is None


def test_resuming_closes_the_cut_short_session_and_links_to_it(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    t = play_stretch(history, "toe_walk", 0)
    history.record(Step("toe_stretch", None, 1, 1, 1, 6), at(t))
    point = history.unfinished(at(t + 120), within=timedelta(hours=1))
    assert point is not None

    history.record(RoutineStart("routine", "toe_stretch", resumed=True), at(t + 130))
    new, old = history.recent()
    assert old.ending == "interrupted"
    assert old.ended == at(t)  # its last recorded moment, not the moment of resuming
    assert new.resumed_from == point.session_id
    assert history.unfinished(at(t + 131), within=timedelta(hours=1)) == ResumePoint(new.id, "toe_stretch", None)


def test_resuming_links_to_the_session_even_when_it_was_closed_at_start_up(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    history.record(Step("toe_stretch", "left", 1, 1, 1, 6), at(50))
    point = history.unfinished(at(100), within=timedelta(hours=1))
    assert point is not None
    history.close_unfinished()
    history.record(RoutineStart("routine", "toe_stretch", "left", resumed=True), at(120))
    assert history.recent()[0].resumed_from == point.session_id


def test_a_new_session_closes_every_unfinished_one(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    history.record(RoutineStart("routine", "toe_walk"), at(100))
    history.record(RoutineStart("stretch", "heel_stretch"), at(200))
    endings = [s.ending for s in history.recent()]
    assert endings == [None, "interrupted", "interrupted"]
    assert history.recent()[0].resumed_from is None


def test_an_expired_offer_is_marked_interrupted(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    history.record(Step("toe_walk", None, 1, 1, 0, 6), at(3))
    point = history.unfinished(at(60), within=timedelta(hours=1))
    assert point is not None
    history.mark_interrupted(point.session_id)
    history.mark_interrupted(point.session_id)
    assert history.unfinished(at(61), within=timedelta(hours=1)) is None
    [session] = history.recent()
    assert (session.ending, session.ended) == ("interrupted", at(3))
    # The in-progress session was the one closed, so further steps do not reopen it.
    history.record(Step("toe_stretch", None, 1, 1, 1, 6), at(70))
    assert history.recent()[0].stretch == "toe_walk"


def test_close_unfinished_closes_them_all(history: History) -> None:
    history.record(RoutineStart("routine", "toe_walk"), at(0))
    history.close_unfinished()
    assert history.recent()[0].ending == "interrupted"
    assert history.unfinished(at(1), within=timedelta(hours=1)) is None


# ---- the streak ----------------------------------------------------------


def stretch_on(history: History, day: date, stretched: bool = True) -> None:
    """One evening session on `day`, with or without an actual hold."""
    start = datetime.combine(day, EVENING.timetz())
    history.record(RoutineStart("routine", "toe_walk"), start)
    if stretched:
        history.record(HoldEnd("toe_walk", None, 1, completed=False), start + timedelta(seconds=20))
    history.record(RoutineEnd(completed=False, reason="stopped"), start + timedelta(seconds=30))


def test_streak_counts_consecutive_days_ending_today_or_yesterday(history: History) -> None:
    today = date(2025, 3, 10)
    assert history.streak(today) == 0
    for back in (1, 2, 3, 5):
        stretch_on(history, today - timedelta(days=back))
    assert history.streak(today) == 3  # yesterday and the two days before; day 4 is missing
    stretch_on(history, today)
    assert history.streak(today) == 4
    assert history.streak(today + timedelta(days=2)) == 0


def test_a_session_without_any_stretching_does_not_keep_a_streak(history: History) -> None:
    today = date(2025, 3, 10)
    stretch_on(history, today - timedelta(days=2))
    stretch_on(history, today - timedelta(days=1), stretched=False)
    assert history.streak(today) == 0
    stretch_on(history, today - timedelta(days=1))
    assert history.streak(today) == 2


# ---- faults --------------------------------------------------------------


def test_a_file_that_is_not_sqlite_is_moved_aside_never_deleted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = history_path(tmp_path)
    garbage = b"this is a shopping list, not a database\n" * 200
    path.write_bytes(garbage)
    with caplog.at_level(logging.ERROR, logger="assistant.history"), History(path) as history:
        history.record(RoutineStart("routine", "toe_walk"), at(0))
        assert len(history.recent()) == 1
    [aside] = tmp_path.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == garbage
    assert str(aside) in caplog.text


def test_a_damaged_database_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = history_path(tmp_path)
    with History(path) as history:
        for day in range(40):
            stretch_on(history, date(2025, 1, 1) + timedelta(days=day))
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) >= 4 * page
    data[2 * page:3 * page] = bytes(random.Random(1).randrange(256) for _ in range(page))
    path.write_bytes(bytes(data))

    with caplog.at_level(logging.ERROR, logger="assistant.history"), History(path) as history:
        assert history.recent() == []
        history.record(RoutineStart("routine", "toe_walk"), at(0))
        assert len(history.recent()) == 1
    [aside] = tmp_path.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == bytes(data)
    assert "damaged" in caplog.text


def test_a_file_locked_by_another_process_is_never_taken_for_damage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = history_path(tmp_path)
    with History(path) as history:
        history.record(RoutineStart("routine", "toe_walk"), at(0))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.ERROR, logger="assistant.history"), History(path, busy_timeout=0.05) as history:
            history.record(RoutineStart("routine", "toe_walk"), at(100))
        with pytest.raises(AssistantError, match="locked"):
            History(path, readonly=True, busy_timeout=0.05)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "cannot open history" in caplog.text
    assert not list(tmp_path.glob("*.corrupt-*"))
    with History(path, readonly=True) as history:
        assert len(history.recent()) == 1


def test_a_history_from_a_newer_version_is_left_alone(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = history_path(tmp_path)
    with History(path) as history:
        history.record(RoutineStart("routine", "toe_walk"), at(0))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    before = path.read_bytes()
    with caplog.at_level(logging.ERROR, logger="assistant.history"), History(path) as history:
        history.record(RoutineStart("routine", "toe_walk"), at(100))
        history.record(RoutineEnd(completed=True, reason="finished"), at(200))
    assert path.read_bytes() == before
    assert "newer footstretch" in caplog.text
    with pytest.raises(AssistantError, match="newer footstretch"):
        History(path, readonly=True)


def test_a_full_disk_is_logged_once_and_coaching_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = history_path(tmp_path)
    History(path).close()
    pages = path.stat().st_size // 4096
    opened: list[sqlite3.Connection] = []
    real_connect = sqlite3.connect

    def small_disk(*args: object, **kwargs: object) -> sqlite3.Connection:
        # The disk has room for the file as it is now and one page more: SQLite reports SQLITE_FULL beyond.
        db = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        db.execute(f"PRAGMA max_page_count = {pages + 1}")
        opened.append(db)
        return db

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    caplog.set_level(logging.DEBUG, logger="assistant.history")
    with History(path) as history:
        for day in range(60):
            stretch_on(history, date(2025, 1, 1) + timedelta(days=day))
            for stretch in STRETCHES:
                history.record(StretchDone(stretch), at(day))
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert "cannot write history" in errors[0].getMessage()
        kept = len(history.recent(limit=1000))
        assert 0 < kept < 60

        # Space is freed: the next session is recorded again, and that is logged.
        opened[-1].execute("PRAGMA max_page_count = 1000000")
        history.record(RoutineStart("routine", "heel_stretch"), at(0, datetime(2025, 6, 1, tzinfo=timezone.utc)))
        assert "being written again" in caplog.text
        assert history.recent()[0].first_stretch == "heel_stretch"
    with real_connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_unwritable_place_means_coaching_without_history(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with caplog.at_level(logging.ERROR, logger="assistant.history"), History(history_path(blocker)) as history:
        history.record(RoutineStart("routine", "toe_walk"), at(0))
        history.record(RoutineEnd(completed=True, reason="finished"), at(1))
        assert history.recent() == []
    assert "cannot open history" in caplog.text


WRITER = textwrap.dedent(
    """
    import itertools, sys
    from datetime import datetime, timedelta, timezone
    from assistant.coach.messages import HoldEnd, HoldStart, RoutineEnd, RoutineStart, Step, StretchDone
    from assistant.history import History

    stretches = sys.argv[2].split(",")
    t = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(days=int(sys.argv[3]))
    with History(sys.argv[1]) as history:
        for n in itertools.count():
            t += timedelta(minutes=20)
            history.record(RoutineStart("routine", stretches[0]), t)
            for i, stretch in enumerate(stretches):
                history.record(Step(stretch, None, 1, 1, i, len(stretches)), t)
                history.record(HoldStart(stretch, None, 1, 30), t)
                history.record(HoldEnd(stretch, None, 1), t)
                history.record(StretchDone(stretch), t)
                print("step", flush=True)
            history.record(RoutineEnd(True, "finished"), t)
            id = history.recent(1)[0].id
            print("done", id, flush=True)
    """
)


@pytest.mark.integration
def test_kill_9_at_random_moments_never_corrupts_or_loses_finished_sessions(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    rng = random.Random(6)
    finished: set[int] = set()
    deadline = time.monotonic() + 40
    kills = 0
    while kills < 60 and time.monotonic() < deadline:
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), ",".join(STRETCHES), str(kills)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        # Kill after a random number of committed records, while the writer keeps writing.
        for _ in range(rng.randrange(1, 40)):
            line = writer.stdout.readline()
            if line.startswith("done"):
                finished.add(int(line.split()[1]))
        writer.send_signal(signal.SIGKILL)
        for line in writer.stdout:
            if line.startswith("done"):
                finished.add(int(line.split()[1]))
        writer.wait(timeout=30)
        writer.stdout.close()
        assert writer.returncode == -signal.SIGKILL
        kills += 1

        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            rows = db.execute("SELECT id, ending, holds FROM session ORDER BY id").fetchall()
            done = dict(db.execute("SELECT session_id, count(*) FROM stretch_done GROUP BY session_id").fetchall())
        db.close()
        by_id = {row[0]: row for row in rows}
        for session_id in finished:
            assert by_id[session_id][1:] == ("completed", len(STRETCHES))
            assert done[session_id] == len(STRETCHES)
        # Only the session in progress may be unfinished, and only the newest one.
        unfinished = [row[0] for row in rows if row[1] is None]
        assert unfinished in ([], [rows[-1][0]])
    assert kills >= 15
    assert len(finished) >= 5
    assert not list(tmp_path.glob("*.corrupt-*"))


# ---- reading it back: read-only, and the command -------------------------


def test_reading_only_never_creates_a_file(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    with History(path, readonly=True) as history:
        assert history.recent() == []
        assert history.streak(date(2025, 3, 3)) == 0
        assert history.unfinished(EVENING, timedelta(hours=1)) is None
        history.record(RoutineStart("routine", "toe_walk"), at(0))
    assert not path.exists()


def test_reading_a_damaged_file_explains_and_leaves_it(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    path.write_bytes(b"\0garbage" * 1000)
    with pytest.raises(AssistantError, match="damaged"):
        History(path, readonly=True)
    assert path.read_bytes() == b"\0garbage" * 1000
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_reading_just_after_a_crash_mid_write_rolls_the_half_write_back(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    with History(path) as history:
        for day in range(20):
            stretch_on(history, date(2025, 1, 1) + timedelta(days=day))
    crash = textwrap.dedent(
        f"""
        import os, signal, sqlite3
        db = sqlite3.connect({str(path)!r}, isolation_level=None)
        db.execute("PRAGMA cache_size = 1")  # spill the change to the file before the commit
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE session SET stretch = hex(randomblob(600))")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    subprocess.run([sys.executable, "-c", crash], timeout=60)
    assert path.with_name(path.name + "-journal").exists()

    with History(path, readonly=True) as history:
        sessions = history.recent(limit=100)
    assert len(sessions) == 20
    assert {s.stretch for s in sessions} == {"toe_walk"}
    assert not path.with_name(path.name + "-journal").exists()


def test_a_history_this_user_may_not_read_is_one_clear_line(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    with History(history_path(state)) as history:
        history.record(RoutineStart("routine", "toe_walk"), at(0))
    command = [sys.executable, "-m", "assistant", "history", "--state-dir", str(state)]
    if os.geteuid() == 0:
        # root reads anything: be nobody, as a person without access to the service's files is.
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    state.chmod(0o000)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, cwd="/")
    state.chmod(0o700)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"footstretch: cannot read history {history_path(state)}: permission denied; "
        "the service's history belongs to its user, so try it with sudo"
    ]


def test_close_twice(tmp_path: Path) -> None:
    history = History(history_path(tmp_path))
    history.close()
    history.close()


def fill(tmp_path: Path) -> None:
    """Three sessions: two days running (ending today) and one unfinished."""
    today = date.today()
    with History(history_path(tmp_path)) as history:
        start = datetime.combine(today - timedelta(days=1), EVENING.timetz())
        history.record(RoutineStart("routine", "toe_walk"), start)
        t = 0.0
        for stretch in STRETCHES:
            t = play_stretch(history, stretch, t, start)
        history.record(RoutineEnd(completed=True, reason="finished"), at(t + 615, start))
        start = datetime.combine(today, EVENING.timetz())
        history.record(RoutineStart("stretch", "towel_stretch"), start)
        play_stretch(history, "towel_stretch", 0, start)
        history.record(RoutineEnd(completed=False, reason="stopped"), at(50, start))
        history.record(RoutineStart("routine", "toe_walk"), at(3600, start))


def test_history_command_shows_sessions_and_streak(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(tmp_path)
    assert cli.main(["history", "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Streak: 2 days in a row."
    assert lines[2].split() == ["Date", "Start", "Length", "Ended", "Stretches", "done"]
    assert "unfinished" in lines[3]
    assert lines[4].split()[2:] == ["50", "s", "stopped", "1:", "towel", "stretch"]
    assert lines[5].split()[2:6] == ["15", "min", "completed", "6:"]
    assert "toe walk, toe stretch, ankle circles" in lines[5]


def test_history_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(tmp_path)
    assert cli.main(["history", "--state-dir", str(tmp_path), "--json", "--limit", "2"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["streak"] == 2
    assert [s["ending"] for s in document["sessions"]] == [None, "stopped"]
    assert document["sessions"][1]["stretches_done"] == ["towel_stretch"]
    assert document["sessions"][1]["seconds"] == 50


def test_history_command_defaults_to_the_systemd_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(tmp_path)
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    assert cli.main(["history"]) == 0
    assert capsys.readouterr().out.startswith("Streak: 2 days")


def test_history_command_with_no_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["history", "--state-dir", str(tmp_path / "none")]) == 0
    out = capsys.readouterr().out
    assert "No sessions yet" in out
    assert not (tmp_path / "none").exists()


def test_history_command_rejects_a_bad_limit_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["history", "--state-dir", str(tmp_path), "--limit", "0"]) == 2
    assert capsys.readouterr().err.strip() == (
        "footstretch: argument --limit: must be from 1 to 100000, not 0 (see footstretch history --help)")


def test_history_command_on_a_damaged_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history_path(tmp_path).write_bytes(b"not sqlite" * 100)
    assert cli.main(["history", "--state-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "damaged" in err


# ---- where things live ---------------------------------------------------


def test_dirs_prefer_systemd_then_xdg_then_home() -> None:
    home = {"HOME": "/home/ann"}
    assert state_dir(home) == Path("/home/ann/.local/state/footstretch")
    assert cache_dir(home) == Path("/home/ann/.cache/footstretch")
    assert data_dir(home) == Path("/home/ann/.local/share/footstretch")

    xdg = {**home, "XDG_STATE_HOME": "/x/state", "XDG_CACHE_HOME": "/x/cache", "XDG_DATA_HOME": "/x/data"}
    assert state_dir(xdg) == Path("/x/state/footstretch")
    assert cache_dir(xdg) == Path("/x/cache/footstretch")
    assert data_dir(xdg) == Path("/x/data/footstretch")

    unit = {**xdg, "STATE_DIRECTORY": "/var/lib/footstretch", "CACHE_DIRECTORY": "/var/cache/footstretch:/other"}
    assert state_dir(unit) == Path("/var/lib/footstretch")
    assert cache_dir(unit) == Path("/var/cache/footstretch")
    assert data_dir({**unit, "FOOTSTRETCH_DATA_DIR": "/srv/models"}) == Path("/srv/models")


def test_a_relative_xdg_dir_is_ignored() -> None:
    assert state_dir({"HOME": "/home/ann", "XDG_STATE_HOME": "relative"}) == Path("/home/ann/.local/state/footstretch")


def test_config_is_looked_for_in_etc_then_the_persons_config_dir() -> None:
    assert config_paths({"HOME": "/home/ann"}) == [
        Path("/etc/footstretch/config.toml"),
        Path("/home/ann/.config/footstretch/config.toml"),
    ]
    assert config_paths({"HOME": "/home/ann", "XDG_CONFIG_HOME": "/cfg"})[1] == Path("/cfg/footstretch/config.toml")


def test_home_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STATE_DIRECTORY", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/home/bob")
    assert state_dir() == Path("/home/bob/.local/state/footstretch")
