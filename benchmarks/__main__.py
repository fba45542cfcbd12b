"""`python -m benchmarks` (`make bench`): every figure, one script after the other.

Recognition (the held-out split), false commands over the long talk, speaking,
the service on one stretch at real speed, how long decoding stops the
service's other threads, and how closely the demo's recording follows its
timeline. Each script can also be run on
its own with more options; see the READMEs in benchmarks/.
"""

import subprocess
import sys

RUNS = (
    ["benchmarks.recognition", "--split", "held-out"],
    ["benchmarks.talk"],
    ["benchmarks.speaking"],
    ["benchmarks.long_text"],
    ["benchmarks.service", "--stretch", "ankle_circles", "--idle", "20"],
    ["benchmarks.long_recording"],
    ["benchmarks.gil_stall"],
    ["benchmarks.demo_alignment"],
)


def main() -> int:
    """Run each benchmark in its own process (each sets up its own audio)."""
    failed = 0
    for module in RUNS:
        print(f"\n== python -m {' '.join(module)}", flush=True)
        failed += subprocess.run([sys.executable, "-m", *module]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
