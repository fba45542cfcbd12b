"""Capture through PortAudio and ALSA for real: a virtual card's file is the microphone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.virtual_card import make_virtual_card

pytestmark = pytest.mark.integration

# PortAudio reads the ALSA configuration once per process, so each case runs in its own.
_SCRIPT = textwrap.dedent("""
    import json, sys, threading, time
    import numpy as np
    from assistant.audio.capture import Microphone, find_input_device
    from assistant.errors import DeviceError
    spec, rate, want, out = sys.argv[1], int(sys.argv[2]) or None, int(sys.argv[3]), sys.argv[4]
    try:
        got, opened = [], threading.Event()

        def heard(block):
            opened.wait()
            got.append(block)
            # Halfway, read ten times as much at a time, as the service does while nobody speaks.
            if sum(map(len, got)) > want // 2:
                mic.block_seconds = 0.1

        with Microphone(heard, spec, rate=rate) as mic:
            opened.set()
            deadline = time.monotonic() + 10
            while sum(map(len, got)) < want and time.monotonic() < deadline:
                time.sleep(0.01)
            alive = mic.alive
            sizes = sorted({len(block) for block in got})
        np.save(out, np.concatenate(got)[:want])
        print(json.dumps({"rate": mic.rate, "alive": alive, "index": find_input_device(spec), "sizes": sizes}))
    except DeviceError as error:
        print(json.dumps({"error": str(error)}))
""")


def _capture(tmp_path: Path, pcm: np.ndarray, spec: str, rate: int = 0, want: int = 16000) -> tuple[dict, np.ndarray | None]:
    card = make_virtual_card(tmp_path / "card", pcm.astype("<i2").tobytes())
    out = tmp_path / "heard.npy"
    env = {**os.environ, **card.environment()}
    result = subprocess.run([sys.executable, "-c", _SCRIPT, spec, str(rate), str(want), str(out)],
                            env=env, capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report, (np.load(out) if out.exists() else None)


def _tone(rate: int, seconds: float, hz: float) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * hz * t) * 8000).astype(np.int16)


def test_microphone_by_name_hears_the_file_at_16k_whatever_it_reads_at_a_time(tmp_path: Path) -> None:
    source = _tone(16000, 2, 440)
    report, heard = _capture(tmp_path, source, "DEFAULT", want=32000)
    assert report["rate"] == 16000 and report["alive"]
    assert report["sizes"][0] == 160 and report["sizes"][-1] == 1600
    assert np.abs(heard.astype(int) - source).max() <= 2


def test_a_48k_device_is_resampled_to_16k_without_aliasing(tmp_path: Path) -> None:
    # 440 Hz must survive; 12 kHz is above 16 kHz's Nyquist and must be filtered out, not folded.
    source = _tone(48000, 3, 440) // 2 + _tone(48000, 3, 12000) // 2
    report, heard = _capture(tmp_path, source, "default", rate=48000, want=32000)
    assert report["rate"] == 48000
    spectrum = np.abs(np.fft.rfft(heard[8000:24000].astype(np.float64)))
    freqs = np.fft.rfftfreq(16000, 1 / 16000)
    assert abs(freqs[np.argmax(spectrum)] - 440) < 2
    folded = spectrum[np.abs(freqs - 4000) < 50].max()
    assert folded < spectrum.max() / 100


def test_missing_device_is_a_clear_device_error(tmp_path: Path) -> None:
    report, _ = _capture(tmp_path, _tone(16000, 1, 440), "usb mic that is not there")
    assert report["error"] == "no input device named like 'usb mic that is not there' (see `footstretch devices`)"
