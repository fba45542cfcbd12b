"""Service figures: start to READY, peak memory, CPU listening to a silent room and to a fan, hold timing error.

Memory and CPU are the service's and its recognizer process's together.
Memory is the highest sum of their proportional set sizes, sampled every half second.

Run: .venv/bin/python -m benchmarks.service [--speed S] [--stretch ID] [--idle SECONDS] [--idle-only SECONDS]

The real service (pocketsphinx or vosk, the piper voice, mock pins) runs in a
child process on the virtual sound card, paced to real time (speed 1) unless
told otherwise, three times:

1. A silent room for --idle seconds: CPU while idle, over the last 80 %.
2. A fan, brown noise 15 dB below the person's voice, for FAN_LEARN_SECONDS
   and then --idle seconds: CPU over those last seconds, once the voice gate's
   webrtcvad has learnt the fan (assistant/speech/gate.py).
3. Silence, then "start my foot stretches" (or "start <stretch>"), run to the
   end with speech playing. Every hold start and end is compared with when the
   coach scheduled it: the same routine run on the virtual clock gives the
   schedule exactly.

`--idle-only SECONDS` runs only the first two.
The last line printed is JSON:
idle_cpu_percent, fan_cpu_percent, peak_pss_mb, ready_seconds and
hold_error_ms_max (null with --idle-only).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.audio.virtual_card import SAMPLE_RATE, make_virtual_card
from assistant.routine import default_routine
from assistant.simulate import ScriptedInput, run_simulation
from assistant.speech.tts import Voice
from assistant.timeline import Timeline
from benchmarks import speechset
from benchmarks.procfs import children, kb_field

ROOT = Path(__file__).parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def _proc(pid: int) -> tuple[float, int]:
    """(CPU seconds so far, proportional set size in kB) of a process and its children (the recognizer).

    PSS counts a page two processes share (the Python library, numpy) half to each, so
    the sum is what the two hold together; RSS would count those pages twice."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    pss = kb_field(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
    for child in children(pid):
        try:
            child_cpu, child_pss = _proc(child)
        except (FileNotFoundError, ProcessLookupError):
            continue
        cpu, pss = cpu + child_cpu, pss + child_pss
    return cpu, pss


FAN_SNR = 15
"""The fan is this many dB below the person's voice."""
FAN_LEARN_SECONDS = 30.0
"""Fan heard before its CPU is measured: webrtcvad learns a steady noise in about half a minute."""
MEASURED_SHARE = 0.8
"""Idle CPU is measured over the last 80 % of the idle time: the service has settled after READY."""


def _drain(notify: socket.socket) -> None:
    while True:
        try:
            notify.recv(4096)
        except TimeoutError:
            continue
        except OSError:
            return


@dataclass
class Run:
    """One launch of the service on a virtual card of its own; without `until_done` it runs until terminated."""

    capture: np.ndarray
    speed: float
    until_done: bool
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="footstretch-bench-")))
    ready: float = float("nan")
    peak_kb: int = 0

    def start(self) -> subprocess.Popen:
        """Launch the service and wait for READY=1."""
        card = make_virtual_card(self.work / "card", self.capture.astype("<i2").tobytes())
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(self.work / "notify"))
        notify.settimeout(0.2)
        spec = {"out": str(self.work), "cache": str(Path.home() / ".cache" / "footstretch"), "speed": self.speed,
                "until_done": self.until_done, "stop_after": 3600}
        (self.work / "spec.json").write_text(json.dumps(spec))
        env = {**os.environ, **card.environment(), "PYTHONPATH": str(ROOT), "NOTIFY_SOCKET": str(self.work / "notify")}
        began = time.monotonic()
        child = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "service_runner.py"),
                                  str(self.work / "spec.json")],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        while child.poll() is None:
            try:
                if b"READY=1" in notify.recv(4096):
                    self.ready = time.monotonic() - began
                    break
            except TimeoutError:
                pass
        # Keep reading, as systemd does: status lines arrive at every step.
        threading.Thread(target=_drain, args=(notify,), daemon=True).start()
        return child

    def cpu_share(self, child: subprocess.Popen, after: float, seconds: float) -> float:
        """Share of one core the service and its recognizer used over `seconds`, beginning `after` seconds from now."""
        self.wait_sampling(child, after)
        begun, _ = _proc(child.pid)
        self.wait_sampling(child, seconds)
        return (_proc(child.pid)[0] - begun) / seconds

    def wait_sampling(self, child: subprocess.Popen, seconds: float) -> None:
        """Wait `seconds` (or until the child ends), sampling its memory every half second."""
        until = time.monotonic() + seconds
        while child.poll() is None and time.monotonic() < until:
            try:
                self.peak_kb = max(self.peak_kb, _proc(child.pid)[1])
            except (FileNotFoundError, ProcessLookupError, StopIteration):
                return
            time.sleep(min(0.5, max(0.0, until - time.monotonic())))

    def finish(self, child: subprocess.Popen) -> list[dict]:
        """Wait for the service to end; its timeline."""
        self.wait_sampling(child, float("inf"))
        child.wait()
        return [json.loads(line) for line in (self.work / "timeline.jsonl").read_text().splitlines()]


def idle_cpu(capture: np.ndarray, measured: float, speed: float) -> tuple[float, Run]:
    """CPU share over the last `measured` seconds of `capture`, with the service doing nothing else."""
    run = Run(capture, speed, until_done=False)
    child = run.start()
    lead = len(capture) / SAMPLE_RATE - measured
    share = run.cpu_share(child, lead / speed, measured / speed)
    child.terminate()
    child.wait()
    return share, run


def hold_errors(spoken: np.ndarray, command: str, idle: float, speed: float) -> tuple[list[float], Run, list[dict]]:
    """The routine after `idle` seconds of silence: each hold start and end's error in ms."""
    lead = np.zeros(int(idle * SAMPLE_RATE), np.int16)
    run = Run(np.concatenate([lead, spoken]), speed, until_done=True)
    records = run.finish(run.start())
    heard = next(r for r in records if r["type"] == "intent")
    schedule: list[dict] = []
    run_simulation(default_routine(), [ScriptedInput(heard["t"], text=command)], Timeline(0.0, schedule.append))
    kinds = ("hold_start", "hold_end")
    planned = [r["t"] for r in schedule if r["type"] in kinds]
    actual = [r["t"] for r in records if r["type"] in kinds]
    return [abs(a - p) / speed * 1000 for a, p in zip(actual, planned)], run, records


def main() -> None:
    """Run the service and print the figures, the JSON line last."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speed", type=float, default=1.0, help="time compression (1 = real time)")
    parser.add_argument("--stretch", help="run one stretch instead of the whole routine")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of silence (and of fan) measured")
    parser.add_argument("--idle-only", type=float, metavar="SECONDS",
                        help="measure only the silent room and the fan, for SECONDS each")
    args = parser.parse_args()
    idle = args.idle_only or args.idle
    command = f"start {args.stretch.replace('_', ' ')}" if args.stretch else "start my foot stretches"
    spoken = Voice.load().synthesize(command).resampled(SAMPLE_RATE).samples
    silent, silent_run = idle_cpu(np.zeros(int(idle * SAMPLE_RATE), np.int16), idle * MEASURED_SHARE, args.speed)
    fan_audio = speechset.mix(np.zeros(int((FAN_LEARN_SECONDS + idle) * SAMPLE_RATE), np.int16), FAN_SNR,
                              speech_rms=speechset.active_rms(spoken))
    fan, fan_run = idle_cpu(fan_audio, idle, args.speed)
    runs = [silent_run, fan_run]
    print(f"service figures (speed {args.speed:g})")
    print(f"  CPU listening to a silent room: {silent * 100:.1f} % of one core")
    print(f"  CPU listening to a fan {FAN_SNR} dB under the voice: {fan * 100:.1f} % of one core")
    errors_ms: list[float] = []
    if not args.idle_only:
        errors_ms, routine_run, records = hold_errors(spoken, command, idle, args.speed)
        runs.append(routine_run)
        print(f"  {command!r}: {len(errors_ms) // 2} holds, routine completed: {records[-1].get('completed')}")
        print(f"  hold start/end timing error:    median {statistics.median(errors_ms):.1f} ms, "
              f"max {max(errors_ms):.1f} ms (target: every hold within 20 ms)")
    peak = max(run.peak_kb for run in runs) / 1024
    ready = statistics.median(run.ready for run in runs)
    print(f"  start to READY (median of {len(runs)}): {ready:.2f} s")
    print(f"  peak memory (PSS, sampled every 0.5 s, with the recognizer): {peak:.0f} MB")
    print(json.dumps({
        "idle_cpu_percent": round(silent * 100, 1),
        "fan_cpu_percent": round(fan * 100, 1),
        "peak_pss_mb": round(peak),
        "ready_seconds": round(ready, 2),
        "hold_error_ms_max": round(max(errors_ms), 1) if errors_ms else None,
    }))


if __name__ == "__main__":
    main()
