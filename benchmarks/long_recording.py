"""`footstretch recognize` on an hour-long 48 kHz stereo recording: its peak memory and CPU.

Run: .venv/bin/python -m benchmarks.long_recording [--minutes 60]

The recording is what a phone or a USB recorder makes at the bedside: 48 kHz,
two channels, a quiet room (pink noise at -60 dBFS, a microphone's floor) with
one command every ten minutes. `recognize` reads it a block at a time
(`assistant.audio.clip.wav_blocks`) and hears it through the voice gate, so its
memory must not grow with the length, and the quiet between the commands
should cost little CPU. Its peak resident set is the kernel's high-water mark
(VmHWM) read while it runs (wait4's would count this benchmark's own memory,
which the child held before it started `footstretch`), and its CPU comes from
wait4. The last line printed is JSON:
minutes, peak_rss_mb, cpu_seconds, commands_said, commands_heard.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import numpy as np
import soxr

from benchmarks import speechset
from benchmarks.procfs import kb_field

RATE = 48_000
CHANNELS = 2
FLOOR_DBFS = -60.0
"""The room's level between commands: a quiet bedroom through a cheap microphone."""
COMMANDS = ("pause", "what's next", "how much time is left", "skip", "go back", "stop")
"""One said every `COMMAND_EVERY_MINUTES`, in turn, by the bundled piper voice: a check that the whole hour is heard."""
COMMAND_EVERY_MINUTES = 10
COMMAND_DBFS = -20.0
HWM_EVERY_SECONDS = 0.05


def _minute(index: int, command: np.ndarray | None) -> bytes:
    """One minute of the recording, interleaved stereo int16: the floor, and `command` 20 s in."""
    floor = speechset.pink_samples(60 * RATE, seed=index) * 32767 * 10 ** (FLOOR_DBFS / 20)
    if command is not None:
        at = 20 * RATE
        floor[at: at + len(command)] += command
    samples = speechset.to_int16(floor)
    return np.repeat(samples, CHANNELS).astype("<i2").tobytes()


def _command(text: str) -> np.ndarray:
    """`text` said at `COMMAND_DBFS`, at 48 kHz, float (int16 scale)."""
    spoken = soxr.resample(speechset.piper(text).astype(np.float32), speechset.RATE, RATE)
    return spoken * (32767 * 10 ** (COMMAND_DBFS / 20)) / speechset.active_rms(spoken)


def write_recording(path: Path, minutes: int) -> int:
    """Write the recording a minute at a time; how many commands it holds."""
    said = 0
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        for index in range(minutes):
            command = None
            if index % COMMAND_EVERY_MINUTES == COMMAND_EVERY_MINUTES // 2:
                command = _command(COMMANDS[said % len(COMMANDS)])
                said += 1
            wav.writeframes(_minute(index, command))
    return said


def recognize(path: Path) -> tuple[list[dict], float, float, float]:
    """Run `footstretch recognize --json`: (commands heard, peak RSS in MB, CPU seconds, wall seconds)."""
    began = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "assistant", "recognize", "--json", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(child.stdout.read()))
    reader.start()
    peak_kb = 0
    status_file = Path(f"/proc/{child.pid}/status")
    while reader.is_alive():
        try:
            peak_kb = max(peak_kb, kb_field(status_file, "VmHWM"))
        except (OSError, StopIteration):
            pass
        reader.join(HWM_EVERY_SECONDS)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"recognize exited {child.returncode}")
    heard = [json.loads(line) for line in output[0].decode().splitlines() if line.startswith("{")]
    return heard, peak_kb / 1024, usage.ru_utime + usage.ru_stime, time.monotonic() - began


def main() -> None:
    """Write the recording, recognize it, print the figures, the JSON line last."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=int, default=60, help="length of the recording")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="footstretch-long-") as work:
        path = Path(work) / "night.wav"
        said = write_recording(path, args.minutes)
        size = path.stat().st_size / 2**20
        heard, peak, cpu, wall = recognize(path)
    print(f"recognize on {args.minutes} min of 48 kHz stereo ({size:.0f} MB), {said} commands in it")
    print(f"  heard: {', '.join(command['text'] for command in heard) or 'nothing'}")
    print(f"  peak RSS {peak:.0f} MB (target: at most 300 MB), CPU {cpu:.0f} s, wall {wall:.0f} s")
    print(json.dumps({"minutes": args.minutes, "peak_rss_mb": round(peak), "cpu_seconds": round(cpu, 1),
                      "commands_said": said, "commands_heard": len(heard)}))


if __name__ == "__main__":
    main()
