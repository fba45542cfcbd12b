"""The real service at the bedside: a synthetic person talks to `footstretch run --virtual-card`.

Run: .venv/bin/python -m benchmarks.bedside [--condition quiet|fan|tv|room ...] [--voices N]
     [--speed N] [--keep DIR]

Per condition and voice, one session of the running service. A room thread
writes into capture.raw, every 20 ms, the audio due by then: the person's
speech (about -20 dBFS), the coach's own voice coming back from playback.raw
(100 ms later and 6 dB down) and the condition's background. "fan" is pink
noise and "tv" two other voices talking, each 10 dB below the person; "room"
reverberates the person and the echo (RT60 0.4 s); a -60 dBFS floor keeps
every condition from digital silence. The person waits until the coach has
been quiet for 0.8 s, says the command its script has reached, and watches
the timeline for it up to 4 s; unheard, it says the same words once more.
Any other intent the microphone brought counts as an extra command. The
response time is from the end of the speech to the intent's timeline time
(audio seconds), the timeline mapped onto the room's clock by the earliest
any record was seen.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soxr

from assistant.coach.machine import listening_in
from assistant.coach.messages import State
from assistant.speech.intents import NOT_LISTENED_FOR, PHRASES
from benchmarks import speechset
from tests.careless import home_environment

ROOT = Path(__file__).parents[1]
RATE = speechset.RATE
CACHE_HOME = Path.home() / ".cache" / "footstretch-bench"
"""XDG_CACHE_HOME of every session: the prompt cache is rendered once, not per session."""
CONDITIONS = ("quiet", "fan", "tv", "room")
PERSON_DBFS = -20.0
BACKGROUND_BELOW_DB = 10.0
FLOOR_DBFS = -60.0
ECHO_DELAY = 0.1
ECHO_GAIN = 10 ** (-6 / 20)
ECHO_SLACK = 0.05
"""Seconds of playback the echo may lag beyond its delay before the oldest is dropped (the speaker
writes a little ahead of the clock)."""
RT60 = 0.4
DRR_DB = 0.0
"""Direct-to-reverberant ratio of the "room" condition: a person a metre or two away in a bedroom."""
TICK = 0.02
QUIET_DBFS = -45.0
QUIET_SECONDS = 0.8
LISTEN_SECONDS = 4.0
INTO_HOLD = 3.0
SESSION_SECONDS = 360.0
"""Audio seconds a session may last."""
LOG_NOTES = ("not a command", "ignored", "heard ")
PHASES = {"routine_start": State.SETUP, "step": State.SETUP, "hold_start": State.HOLD, "hold_end": State.REST,
          "paused": State.PAUSED, "resumed": State.HOLD, "routine_end": State.IDLE}
"""Timeline records that tell where in the routine a command was said, and the state (near enough for
what the coach listens for: every active state listens alike) they lead to."""


def amplitude(dbfs: float) -> float:
    """An RMS in int16 units."""
    return 32768.0 * 10 ** (dbfs / 20)


def at_level(clip: np.ndarray, dbfs: float) -> np.ndarray:
    """`clip` as float32 scaled so its active RMS (speechset.active_rms) is `dbfs`."""
    signal_ = clip.astype(np.float32)
    return signal_ * (amplitude(dbfs) / speechset.active_rms(signal_))


# ---- voices and the script ---------------------------------------------------------------


def shifted_piper(text: str, factor: float) -> np.ndarray:
    """piper's voice, varied, then played `factor` times faster: pitch and tempo both shift."""
    clip = speechset.piper(text, length_scale=1.15, noise_scale=0.667, noise_w=0.8)
    return speechset.to_int16(soxr.resample(clip.astype(np.float32), RATE, RATE / factor))


VOICES: tuple[tuple[str, Callable[[str], np.ndarray]], ...] = (
    ("espeak en-us+m3", functools.partial(speechset.espeak, voice="en-us+m3", speed=150, pitch=45)),
    ("piper x1.15 up 10 %", functools.partial(shifted_piper, factor=1.1)),
    ("espeak en-gb-scotland", functools.partial(speechset.espeak, voice="en-gb-scotland", speed=165, pitch=55)),
    ("espeak en-us+f2", functools.partial(speechset.espeak, voice="en-us+f2", speed=160, pitch=60)),
    ("piper x1.15 down 8 %", functools.partial(shifted_piper, factor=0.92)),
    ("espeak en+klatt", functools.partial(speechset.espeak, voice="en+klatt", speed=155, pitch=50)),
    ("espeak en-gb-x-rp", functools.partial(speechset.espeak, voice="en-gb-x-rp", speed=145, pitch=40)),
)
"""The person's voices, never the coach's own (piper's joe at its default settings)."""


@dataclass(frozen=True)
class Step:
    """One command of the script: the intent and its usual words."""

    intent: str
    words: str
    in_hold: bool = False
    """Wait for the first hold to be INTO_HOLD seconds old first."""


SCRIPT = (
    Step("start_routine", "start my foot stretches"),
    Step("pause", "pause", in_hold=True),
    Step("time_left", "how much time is left"),
    Step("resume", "continue"),
    Step("next", "skip"),
    Step("previous", "go back"),
    Step("repeat", "repeat that"),
    Step("whats_next", "what's next"),
    Step("stop", "stop"),
)
ONE_WORD = frozenset({"pause", "next", "stop"})
"""Their usual word is kept for every other voice: they matter most."""


def phrase_for(step: Step, voice_index: int) -> str:
    """The words voice `voice_index` says for `step`: rotating through PHRASES, so voices differ."""
    choices = [step.words, *(p for p in PHRASES[step.intent] if p != step.words and p not in NOT_LISTENED_FOR)]
    if step.intent in ONE_WORD and voice_index % 2 == 0:
        return step.words
    return choices[voice_index % len(choices)]


# ---- the room --------------------------------------------------------------------------------


def impulse_response(seed: int = 3) -> np.ndarray:
    """A direct path and an exponentially decaying noise tail (RT60, DRR_DB); unit energy."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(1.25 * RT60 * RATE)) / RATE
    tail = rng.standard_normal(t.size) * np.exp(-6.91 * t / RT60)
    tail[: int(0.005 * RATE)] = 0.0
    ir = tail / np.sqrt(np.sum(tail**2)) * 10 ** (-DRR_DB / 20)
    ir[0] = 1.0
    return (ir / np.sqrt(np.sum(ir**2))).astype(np.float32)


class Reverb:
    """Streaming convolution with an impulse response, overlap-add by FFT."""

    def __init__(self, ir: np.ndarray) -> None:
        self._ir = ir
        self._tail = np.zeros(ir.size - 1, np.float32)
        self._spectra: dict[int, np.ndarray] = {}

    def feed(self, block: np.ndarray) -> np.ndarray:
        full = block.size + self._ir.size - 1
        size = 1 << (full - 1).bit_length()
        if size not in self._spectra:
            self._spectra[size] = np.fft.rfft(self._ir, size)
        out = np.fft.irfft(np.fft.rfft(block, size) * self._spectra[size], size)[:full]
        out[: self._tail.size] += self._tail
        self._tail = out[block.size:].astype(np.float32)
        return out[: block.size].astype(np.float32)


@functools.cache
def background(condition: str) -> np.ndarray:
    """The condition's looping background with the noise floor, float32 in int16 units."""
    if condition == "fan":
        sound = speechset.pink_samples(60 * RATE, seed=5) * amplitude(PERSON_DBFS - BACKGROUND_BELOW_DB)
    elif condition == "tv":
        sound = speechset.tv_talk() * amplitude(PERSON_DBFS - BACKGROUND_BELOW_DB)
    else:
        sound = np.zeros(10 * RATE, np.float32)
    floor = np.random.default_rng(11).standard_normal(sound.size) * amplitude(FLOOR_DBFS)
    return (sound + floor).astype(np.float32)


class Room:
    """Writes into capture.raw, every TICK, exactly the audio due: person, echo and background.

    Its clock (`now`, audio seconds) is the count of samples written. It also
    tells how long playback.raw has been quiet.
    """

    def __init__(self, card: Path, condition: str, speed: float) -> None:
        self._capture = open(card / "capture.raw", "ab")  # noqa: SIM115 - closed in stop()
        self._playback_path = card / "playback.raw"
        self._playback = None
        self._speed = speed
        self._background = background(condition)
        self._reverb = Reverb(impulse_response()) if condition == "room" else None
        self._echo = np.zeros(int(ECHO_DELAY * RATE), np.float32)
        self._loud_level = amplitude(QUIET_DBFS) ** 2
        self._frame_rest = np.zeros(0, np.float32)
        self._played = self._last_loud = 0
        self._written = 0
        self._speech: np.ndarray | None = None
        self._speech_at = 0
        self._spoken: tuple[int, int] | None = None
        self._done_speaking = threading.Event()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="room", daemon=True)
        self.error: BaseException | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._capture.close()
        if self._playback is not None:
            self._playback.close()

    def now(self) -> float:
        """Audio seconds written so far."""
        return self._written / RATE

    def quiet_for(self) -> float:
        """Audio seconds since playback.raw last rose above QUIET_DBFS."""
        with self._lock:
            return (self._played - self._last_loud) / RATE

    def say(self, clip: np.ndarray) -> tuple[float, float]:
        """Speak `clip` into the room; return when it was said (audio seconds) once it is all written."""
        with self._lock:
            self._done_speaking.clear()
            self._speech, self._speech_at = clip, 0
        if not self._done_speaking.wait(clip.size / RATE / self._speed + 10):
            raise RuntimeError("the room stopped writing")
        start, end = self._spoken
        return start / RATE, end / RATE

    def _run(self) -> None:
        try:
            began = time.monotonic()
            tick = began
            while not self._stopping.is_set():
                due = int((time.monotonic() - began) * self._speed * RATE)
                if due > self._written:
                    self._write(due - self._written)
                tick += TICK
                time.sleep(max(0.0, tick - time.monotonic()))
        except BaseException as error:  # noqa: BLE001 - handed to the session, which stops
            self.error = error

    def _write(self, count: int) -> None:
        near = self._echo_block(count) * ECHO_GAIN + self._speech_block(count)
        if self._reverb is not None:
            near = self._reverb.feed(near)
        at = np.arange(self._written, self._written + count) % self._background.size
        self._capture.write(speechset.to_int16(near + self._background[at]).astype("<i2").tobytes())
        self._capture.flush()
        self._written += count

    def _speech_block(self, count: int) -> np.ndarray:
        block = np.zeros(count, np.float32)
        with self._lock:
            if self._speech is None:
                return block
            start = self._written if self._speech_at == 0 else self._spoken[0]
            part = self._speech[self._speech_at: self._speech_at + count]
            block[: part.size] = part
            self._speech_at += part.size
            self._spoken = (start, self._written + part.size)
            if self._speech_at >= self._speech.size:
                self._speech = None
                self._done_speaking.set()
        return block

    def _echo_block(self, count: int) -> np.ndarray:
        """The next `count` samples of playback, ECHO_DELAY behind; silence where it has not come."""
        self._echo = np.concatenate([self._echo, self._read_playback()])
        excess = self._echo.size - int((ECHO_DELAY + ECHO_SLACK) * RATE)
        if excess > 0:
            self._echo = self._echo[excess:]
        block = np.zeros(count, np.float32)
        taken = self._echo[:count]
        block[: taken.size] = taken
        self._echo = self._echo[taken.size:]
        return block

    def _read_playback(self) -> np.ndarray:
        if self._playback is None:
            if not self._playback_path.exists():
                return np.zeros(0, np.float32)
            self._playback = open(self._playback_path, "rb")  # noqa: SIM115 - closed in stop()
        data = self._playback.read()
        if len(data) % 2:
            self._playback.seek(-1, os.SEEK_CUR)
            data = data[:-1]
        samples = np.frombuffer(data, dtype="<i2").astype(np.float32)
        self._track_loudness(samples)
        return samples

    def _track_loudness(self, samples: np.ndarray) -> None:
        """Note the last 10 ms frame of playback louder than QUIET_DBFS."""
        frames = np.concatenate([self._frame_rest, samples])
        whole = frames.size // 160 * 160
        self._frame_rest = frames[whole:]
        power = np.mean(frames[:whole].reshape(-1, 160) ** 2, axis=1) if whole else np.zeros(0)
        loud = np.flatnonzero(power > self._loud_level)
        with self._lock:
            if loud.size:
                self._last_loud = self._played + (int(loud[-1]) + 1) * 160
            self._played += whole


# ---- one session -----------------------------------------------------------------------------


class Tail:
    """The new complete lines of a file another process appends to."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0
        self._rest = b""

    def lines(self) -> list[str]:
        try:
            with open(self._path, "rb") as file:
                file.seek(self._offset)
                data = file.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        *lines, self._rest = (self._rest + data).split(b"\n")
        return [line.decode("utf-8", "replace") for line in lines]


@dataclass
class Said:
    """One command of the script as the person said it and the service took it."""

    intent: str
    phrase: str
    attempts: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) of each saying, audio seconds on the room's clock."""
    phase: str = "idle"
    """The last PHASES record before it was first said."""
    heard_on: int | None = None
    record: int | None = None
    """Index of the intent record that answered it."""


class SessionTimeout(Exception):
    """The session ran past SESSION_SECONDS of audio."""


class Session:
    """The service, the room and the person for one condition and voice."""

    def __init__(self, place: Path, condition: str, clips: dict[str, np.ndarray], phrases: dict[str, str],
                 speed: float) -> None:
        self.place = place
        self.card = place / "card"
        self.card.mkdir(parents=True)
        (self.card / "capture.raw").touch()
        self._clips, self._phrases, self._speed = clips, phrases, speed
        self.room = Room(self.card, condition, speed)
        self._timeline = Tail(place / "timeline.jsonl")
        self._log = Tail(place / "service.log")
        self.records: list[tuple[float, dict]] = []
        """(audio seconds when seen, record)."""
        self.log_lines: list[tuple[float, str]] = []
        self.said: list[Said] = []
        self._claimed: set[int] = set()
        self._deadline = SESSION_SECONDS
        self.timed_out = False
        self.failure: str | None = None
        self.returncode: int | None = None
        self._stopped = False

    def run(self) -> None:
        """Run the script against the service; the service is always stopped."""
        with open(self.place / "service.log", "w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "assistant", "-v", "run", "--virtual-card", str(self.card),
                 "--speed", f"{self._speed:g}", "--timeline", str(self.place / "timeline.jsonl")],
                env={**home_environment(self.place), "XDG_CACHE_HOME": str(CACHE_HOME)}, cwd=ROOT,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            self._process = process
            self.room.start()
            try:
                self._wait_ready()
                self._deadline = self.room.now() + SESSION_SECONDS
                self._person()
            except SessionTimeout:
                self.timed_out = True
            except RuntimeError as error:
                self.failure = str(error)
            finally:
                self._stopped = True
                self.room.stop()
                self.returncode = _stop(process)
                self._poll()

    def _wait_ready(self) -> None:
        began = time.monotonic()
        while not any("assistant.service: ready" in line for _, line in self.log_lines):
            if time.monotonic() - began > 120:
                raise RuntimeError(f"the service was not ready in 120 s; see {self.place / 'service.log'}")
            self._poll()
            time.sleep(TICK)
        time.sleep(1.5)  # the microphone opens about a second after

    def _person(self) -> None:
        for step in SCRIPT:
            if step.in_hold:
                self._wait_into_hold()
            self._command(step)
        self._wait(lambda: False, self.room.now() + 2.0)  # late records

    def _wait_into_hold(self) -> None:
        """Until the first hold is INTO_HOLD seconds old, if the routine started at all."""
        if not self._seen("routine_start"):
            return
        if self._wait(lambda: self._seen("hold_start"), self.room.now() + 120):
            at = self._seen("hold_start")[0][0]
            self._wait(lambda: False, at + INTO_HOLD)

    def _command(self, step: Step) -> None:
        said = Said(step.intent, self._phrases[step.intent])
        self.said.append(said)

        def heard() -> bool:
            return self._answer(said) is not None

        self._wait_quiet()
        said.phase = self.phase(self.room.now())
        for attempt in (1, 2):
            said.attempts.append(self.room.say(self._clips[step.intent]))
            if self._wait(heard, said.attempts[-1][1] + LISTEN_SECONDS):
                said.heard_on = attempt
            elif attempt == 1 and self._wait_quiet(also=heard):
                said.heard_on = 1  # late, while the person waited to say it again
            if said.heard_on:
                break
        if said.heard_on:
            said.record = self._answer(said)
            self._claimed.add(said.record)

    def _answer(self, said: Said) -> int | None:
        """The first unclaimed voice intent record matching `said`, seen since it was first said."""
        since = said.attempts[0][0] if said.attempts else float("inf")
        for index, (seen, record) in enumerate(self.records):
            if (record["type"] == "intent" and record.get("source") == "voice" and record["intent"] == said.intent
                    and seen >= since and index not in self._claimed):
                return index
        return None

    def _seen(self, kind: str) -> list[tuple[float, dict]]:
        return [(seen, record) for seen, record in self.records if record["type"] == kind]

    def _wait_quiet(self, also: Callable[[], bool] = lambda: False) -> bool:
        """Until the coach has been quiet QUIET_SECONDS since this wait began (at most 60 s); True if
        `also` came true first. Quiet from before does not count: an answer to the last command may
        not have reached playback.raw yet."""
        began = self.room.now()

        def quiet() -> bool:
            return min(self.room.quiet_for(), self.room.now() - began) >= QUIET_SECONDS

        self._wait(lambda: also() or quiet(), began + 60)
        return also()

    def _wait(self, done: Callable[[], bool], until: float) -> bool:
        """Poll the files until `done()` or the room's clock reaches `until` (audio seconds)."""
        while True:
            self._poll()
            if done():
                return True
            if self.room.now() >= min(until, self._deadline):
                if self.room.now() >= self._deadline:
                    raise SessionTimeout
                return False
            time.sleep(TICK)

    def _poll(self) -> None:
        now = self.room.now()
        self.records += [(now, json.loads(line)) for line in self._timeline.lines() if line.strip()]
        self.log_lines += [(now, line) for line in self._log.lines()]
        if self.room.error is not None and not self._stopped:
            raise RuntimeError("the room failed") from self.room.error
        if self._process.poll() is not None and not self._stopped:
            raise RuntimeError(f"the service ended (exit code {self._process.returncode}); "
                               f"see {self.place / 'service.log'}")

    # ---- figures ---------------------------------------------------------------------------

    def extras(self) -> list[dict]:
        """Voice intents that answered nothing the person said."""
        return [record for index, (_, record) in enumerate(self.records)
                if record["type"] == "intent" and record.get("source") == "voice" and index not in self._claimed]

    def timeline_offset(self) -> float:
        """Room clock minus timeline time: the least lag with which any record was seen."""
        return min((seen - record["t"] for seen, record in self.records), default=0.0)

    def responses_ms(self) -> list[float]:
        """From the end of the saying that was heard to the intent's timeline time, audio ms."""
        offset = self.timeline_offset()
        out = []
        for said in self.said:
            if said.record is not None:
                end = said.attempts[said.heard_on - 1][1]
                out.append((self.records[said.record][1]["t"] + offset - end) * 1000)
        return out

    def listened_for(self, said: Said) -> bool:
        """Whether the coach listened for `said` where it was first said."""
        return said.intent in listening_in(PHASES.get(said.phase, State.IDLE))

    def phase(self, at: float) -> str:
        """The last PHASES record seen by `at` (audio seconds): where the coach was."""
        seen = [record["type"] for when, record in self.records if when <= at and record["type"] in PHASES]
        return seen[-1] if seen else "idle"

    def notes(self, said: Said, attempt: int) -> list[str]:
        """What the service log said while the person said it and waited."""
        start, end = said.attempts[attempt]
        return [line for seen, line in self.log_lines
                if start <= seen <= end + LISTEN_SECONDS + 0.5 and any(note in line for note in LOG_NOTES)]


def _stop(process: subprocess.Popen) -> int:
    """SIGTERM, then SIGKILL to its process group after 30 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


# ---- the run ---------------------------------------------------------------------------------


def prepare_cache() -> None:
    """Render the prompt cache into CACHE_HOME once (later runs find it complete)."""
    with tempfile.TemporaryDirectory(prefix="footstretch-bedside-") as home:
        subprocess.run([sys.executable, "-m", "assistant", "voices", "prepare",
                        "--cache-dir", str(CACHE_HOME / "footstretch" / "prompts")],
                       env=home_environment(Path(home)), cwd=ROOT, check=True, capture_output=True,
                       stdin=subprocess.DEVNULL)


def utterances(voice_index: int) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """The phrase and the clip (at PERSON_DBFS) for every step, in voice `voice_index`."""
    speak = VOICES[voice_index][1]
    phrases = {step.intent: phrase_for(step, voice_index) for step in SCRIPT}
    return phrases, {intent: at_level(speak(phrase), PERSON_DBFS) for intent, phrase in phrases.items()}


def summary(sessions: list[Session]) -> dict:
    """The figures of one condition over its sessions."""
    said = [s for session in sessions for s in session.said]
    first = sum(s.heard_on == 1 for s in said)
    either = sum(s.heard_on is not None for s in said)
    responses = [ms for session in sessions for ms in session.responses_ms()]
    listened = [s for session in sessions for s in session.said if session.listened_for(s)]
    return {
        "said": len(said), "first_try": first, "second_try": either - first, "missed": len(said) - either,
        "listened_for": len(listened), "listened_for_first_try": sum(s.heard_on == 1 for s in listened),
        "first_try_pct": round(100 * first / len(said), 1) if said else None,
        "within_two_pct": round(100 * either / len(said), 1) if said else None,
        "extra": sum(len(session.extras()) for session in sessions),
        "response_median_ms": round(statistics.median(responses)) if responses else None,
        "timed_out": sum(session.timed_out for session in sessions),
    }


def print_condition(condition: str, sessions: list[Session], labels: list[str]) -> None:
    figures = summary(sessions)
    print(f"\n{condition}: {figures['said']} commands said, heard at first try {figures['first_try']} "
          f"({figures['first_try_pct']} %), within two tries {figures['within_two_pct']} %, "
          f"extra commands {figures['extra']}, response median {figures['response_median_ms']} ms; "
          f"{figures['listened_for_first_try']} of the {figures['listened_for']} said where the coach listens for "
          "them heard at first try"
          + (f", {figures['timed_out']} session(s) timed out" if figures["timed_out"] else ""))
    for session, label in zip(sessions, labels):
        for said in session.said:
            for attempt in range(len(said.attempts)):
                if said.heard_on == attempt + 1:
                    continue
                outcome = "missed, heard at try 2" if said.heard_on == 2 else "missed"
                print(f"  miss  {label:22s} {said.intent:13s} {said.phrase!r:28s} try {attempt + 1} {outcome} "
                      f"(after {said.phase}{'' if session.listened_for(said) else ', not listened for there'})")
                for line in session.notes(said, attempt):
                    print(f"          log: {line}")
        for record in session.extras():
            print(f"  extra {label:22s} {record['intent']:13s} heard {record.get('text', '')!r} at t={record['t']}")


def run_condition(condition: str, voices: int, speed: float, keep: Path | None) -> list[Session]:
    sessions = []
    for index in range(voices):
        label = VOICES[index][0]
        phrases, clips = utterances(index)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{condition} {label}".lower()).strip("-")
        with contextlib.ExitStack() as stack:
            top = keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="footstretch-bedside-")))
            session = Session(top / slug, condition, clips, phrases, speed)
            session.run()
            kept = {"timeline_to_room": session.timeline_offset(), "said": [vars(said) for said in session.said]}
            (top / slug / "person.json").write_text(json.dumps(kept, indent=1))
        figures = summary([session])
        print(f"  {condition} / {label}: {figures['first_try']} + {figures['second_try']} of {figures['said']} "
              f"heard, {figures['extra']} extra, service exit {session.returncode}"
              + (f", FAILED: {session.failure}" if session.failure else ""), flush=True)
        sessions.append(session)
    return sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--condition", action="append", choices=CONDITIONS, help="repeatable (default: all four)")
    parser.add_argument("--voices", type=int, default=3, choices=range(1, len(VOICES) + 1), metavar="N")
    parser.add_argument("--speed", type=float, default=1.0, help="times real time (default 1)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep card files, timelines and service logs here")
    args = parser.parse_args()
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: not empty")
    conditions = args.condition or list(CONDITIONS)
    prepare_cache()
    print(f"bedside: speed {args.speed:g}, {args.voices} voice(s), conditions {', '.join(conditions)}", flush=True)
    results = {}
    labels = [label for label, _ in VOICES[: args.voices]]
    for condition in conditions:
        sessions = run_condition(condition, args.voices, args.speed, args.keep)
        print_condition(condition, sessions, labels)
        results[condition] = summary(sessions)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
