"""How long the rest of the service stops while the recognizer decodes, in its process and in its own.

Run: .venv/bin/python -m benchmarks.gil_stall

pocketsphinx keeps the GIL while it decodes. A thread standing in for the
speaker's callback wakes every 0.2 ms; the longest gap between its wake-ups is
how long a callback would have waited. Piper says a long instruction (a talk
utterance of several seconds), fed to a `CommandListener` in this process and to
a `ListenerProcess`, in 10 ms blocks as the microphone hands them over, and to a
bare pocketsphinx decoder in one call.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from assistant.routine.model import default_routine
from assistant.speech.listener import open_listener
from assistant.speech.listener_process import ListenerProcess
from assistant.speech.tts import Voice
from assistant.speech.vad import RATE

TEXT = "Stretch one of six: toe walking. Sit up slowly, swing your legs off the bed and stand up."
BLOCK = RATE // 100


class Watcher:
    """A thread that notes the longest time it could not run."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "Watcher":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.0002)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now


def stall(feed, audio: np.ndarray) -> tuple[float, float]:  # noqa: ANN001 - any listener's feed
    """(longest stall, CPU seconds of this process) while `audio` is fed in 10 ms blocks."""
    began = time.process_time()
    with Watcher() as watcher:
        for offset in range(0, len(audio), BLOCK):
            feed(audio[offset: offset + BLOCK])
    return watcher.longest, time.process_time() - began


def main() -> None:
    from pocketsphinx import Decoder, get_model_path

    speech = Voice.load().synthesize(TEXT).resampled(RATE).samples
    quiet = np.zeros(RATE, np.int16)
    audio = np.concatenate([quiet, speech, quiet])
    print(f"{len(speech) / RATE:.1f} s of speech between seconds of silence")
    base = Path(get_model_path()) / "en-us"
    bare = Decoder(hmm=str(base / "en-us"), dict=str(base / "cmudict-en-us.dict"),
                   lm=str(base / "en-us.lm.bin"), loglevel="FATAL")
    bare.start_utt()
    with Watcher() as watcher:
        bare.process_raw(speech.tobytes(), False, False)
    print(f"  bare pocketsphinx, the speech in one call: other threads stopped {watcher.longest * 1000:.0f} ms")
    with Watcher() as watcher:
        bare.end_utt()
    print(f"  bare pocketsphinx, ending the utterance:   other threads stopped {watcher.longest * 1000:.0f} ms")
    with open_listener("pocketsphinx") as listener:
        longest, cpu = stall(listener.feed, audio)
    print(f"  CommandListener in this process:   longest stall {longest * 1000:5.1f} ms, CPU here {cpu:.2f} s")
    with ListenerProcess("pocketsphinx", None, default_routine()) as remote:
        longest, cpu = stall(remote.feed, audio)
    print(f"  ListenerProcess (its own process): longest stall {longest * 1000:5.1f} ms, CPU here {cpu:.2f} s")


if __name__ == "__main__":
    main()
