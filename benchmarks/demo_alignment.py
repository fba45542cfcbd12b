"""How far `demo`'s spoken.wav is from its timeline: each instruction's first sound minus its `say`.

Run: .venv/bin/python -m benchmarks.demo_alignment [--runs N] [--speed S] [DIR ...]

With directories, reads their timeline.jsonl and spoken.wav (the output of any
`footstretch demo --out DIR`, of this commit or another); without, runs the demo
`--runs` times first. A sound starts where the recording turns non-zero after
0.3 s of digital silence; each instruction is matched with the start nearest it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

QUIET_BEFORE_SECONDS = 0.3


def offsets(out: Path) -> list[float]:
    """Seconds from each instruction's `say` record to the nearest start of sound in spoken.wav."""
    records = [json.loads(line) for line in (out / "timeline.jsonl").read_text().splitlines()]
    with wave.open(str(out / "spoken.wav")) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    sound = np.flatnonzero(samples)
    starts = sound[np.concatenate([[True], np.diff(sound) > QUIET_BEFORE_SECONDS * rate])] / rate
    said = [r["t"] for r in records if r["type"] == "say" and r["kind"] == "instruction"]
    return [float(starts[np.argmin(np.abs(starts - t))] - t) for t in said]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="*", type=Path, help="demo output directories to read")
    parser.add_argument("--runs", type=int, default=3, help="demo runs when no directory is given")
    parser.add_argument("--speed", type=float, default=20.0, help="the demo's time compression")
    args = parser.parse_args()
    dirs = args.dirs
    if not dirs:
        work = Path(tempfile.mkdtemp(prefix="footstretch-alignment-"))
        dirs = [work / f"run{n}" for n in range(args.runs)]
        for out in dirs:
            subprocess.run([sys.executable, "-m", "assistant", "demo", "--speed", str(args.speed), "--out", str(out)],
                           check=True, capture_output=True, stdin=subprocess.DEVNULL)
    print("instruction start in spoken.wav minus its timeline time (routine seconds)")
    for out in dirs:
        found = offsets(out)
        print(f"  {out}: min {min(found):+.2f}  median {statistics.median(found):+.2f}  max {max(found):+.2f}"
              f"  ({len(found)} instructions)")


if __name__ == "__main__":
    main()
