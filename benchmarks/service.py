"""Service figures: start to READY, peak memory, CPU while idle listening, hold timing error.

Memory and CPU are the service's and its recognizer process's together.
Memory is the highest sum of their proportional set sizes, sampled every half second.

Run: .venv/bin/python -m benchmarks.service [--speed S] [--stretch ID] [--idle SECONDS]

The real service (pocketsphinx or vosk, the piper voice, mock pins) runs in a
child process on the virtual sound card, paced to real time (speed 1) unless
told otherwise. It first listens to a silent room for --idle seconds (CPU
while idle), then hears "start my foot stretches" (or "start <stretch>") and
runs to the end with speech playing. Every hold start and end is compared
with when the coach scheduled it: the same routine run on the virtual clock
gives the schedule exactly.
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
from pathlib import Path

import numpy as np

from assistant.audio.virtual_card import SAMPLE_RATE, make_virtual_card
from assistant.routine import default_routine
from assistant.simulate import ScriptedInput, run_simulation
from assistant.speech.tts import Voice
from assistant.timeline import Timeline
from benchmarks.procfs import children

ROOT = Path(__file__).parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def _proc(pid: int) -> tuple[float, int]:
    """(CPU seconds so far, proportional set size in kB) of a process and its children (the recognizer).

    PSS counts a page two processes share (the Python library, numpy) half to each, so
    the sum is what the two hold together; RSS would count those pages twice."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    for child in children(pid):
        try:
            child_cpu, child_pss = _proc(child)
        except (FileNotFoundError, ProcessLookupError):
            continue
        cpu, pss = cpu + child_cpu, pss + child_pss
    return cpu, pss


def _drain(notify: socket.socket) -> None:
    while True:
        try:
            notify.recv(4096)
        except TimeoutError:
            continue
        except OSError:
            return


def main() -> None:
    """Run the service once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speed", type=float, default=1.0, help="time compression (1 = real time)")
    parser.add_argument("--stretch", help="run one stretch instead of the whole routine")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of silence before the command")
    args = parser.parse_args()
    command = f"start {args.stretch.replace('_', ' ')}" if args.stretch else "start my foot stretches"
    work = Path(tempfile.mkdtemp(prefix="footstretch-bench-"))
    spoken = Voice.load().synthesize(command).resampled(SAMPLE_RATE).samples
    lead = np.zeros(int(args.idle * SAMPLE_RATE), np.int16)
    card = make_virtual_card(work / "card", np.concatenate([lead, spoken]).astype("<i2").tobytes())
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(work / "notify"))
    notify.settimeout(0.2)
    spec = {"out": str(work), "cache": str(Path.home() / ".cache" / "footstretch"), "speed": args.speed,
            "until_done": True, "stop_after": 3600}
    (work / "spec.json").write_text(json.dumps(spec))
    env = {**os.environ, **card.environment(), "PYTHONPATH": str(ROOT), "NOTIFY_SOCKET": str(work / "notify")}
    began = time.monotonic()
    child = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "service_runner.py"), str(work / "spec.json")],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    ready = None
    while ready is None and child.poll() is None:
        try:
            if b"READY=1" in notify.recv(4096):
                ready = time.monotonic() - began
        except TimeoutError:
            pass
    # Keep reading, as systemd does: status lines arrive at every step.
    threading.Thread(target=_drain, args=(notify,), daemon=True).start()
    cpu_start, _ = _proc(child.pid)
    time.sleep(args.idle * 0.8 / args.speed)
    cpu_idle, _ = _proc(child.pid)
    idle_cpu = (cpu_idle - cpu_start) / (args.idle * 0.8 / args.speed)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, _proc(child.pid)[1])
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            break
        time.sleep(0.5)
    child.wait()
    records = [json.loads(line) for line in (work / "timeline.jsonl").read_text().splitlines()]
    heard = next(r for r in records if r["type"] == "intent")
    schedule: list[dict] = []
    routine = default_routine()
    run_simulation(routine, [ScriptedInput(heard["t"], text=command)], Timeline(0.0, schedule.append))
    kinds = ("hold_start", "hold_end")
    planned = [r["t"] for r in schedule if r["type"] in kinds]
    actual = [r["t"] for r in records if r["type"] in kinds]
    errors_ms = [abs(a - p) / args.speed * 1000 for a, p in zip(actual, planned)]
    print(f"service figures (speed {args.speed:g}, {command!r}, {len(actual) // 2} holds)")
    print(f"  start to READY:                 {ready:.2f} s")
    print(f"  peak memory (PSS, sampled every 0.5 s, with the recognizer): {peak / 1024:.0f} MB")
    print(f"  CPU while idle listening:       {idle_cpu * 100:.1f} % of one core")
    print(f"  hold start/end timing error:    median {statistics.median(errors_ms):.1f} ms, "
          f"max {max(errors_ms):.1f} ms (target: every hold within 20 ms)")
    print(f"  routine completed:              {records[-1].get('completed')}")


if __name__ == "__main__":
    main()
