"""Noise suppression with RNNoise, a small recurrent network trained to take noise out of speech.

The spectral suppressor in `denoise` removes what is steady; RNNoise was
trained on speech over real noise and also keeps the quiet ends of words that
a fan covers ("hold on" lost its "on" in the fan and read as "old war"). With
a fan 10 dB under the voice it took piper's commands from 81 % to 94 % on both
splits of the recognition benchmark (benchmarks/README-recognition.md).

RNNoise runs at 48 kHz in 10 ms frames: 16 kHz audio goes up, through the
network, and back down, with soxr streams on both sides. A little of the input
(`FLOOR`, -20 dB) is added back to what the network lets through: on its own
the network clips the first consonant after silence ("pause" read as "pull
as"), and a floor keeps it, as the spectral suppressor's gain floor does.

The library comes from the `pyrnnoise` wheel (x86_64 and aarch64). Only its
`librnnoise` is loaded, with ctypes: importing the package would also import
PyAV and matplotlib, which its file tools need and the service does not.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
from pathlib import Path

import numpy as np
import soxr

from assistant.speech.vad import RATE

logger = logging.getLogger(__name__)

NETWORK_RATE = 48000
NETWORK_FRAME = 480
"""Samples per RNNoise frame (10 ms at 48 kHz)."""
NETWORK_DELAY = 960
"""Samples (at 48 kHz, 20 ms) the network's output lags its input, measured on speech."""
FLOOR = 0.1
"""Share of the input added back under the network's output. In one-off runs on the tuning split,
with none espeak-ng's clean commands fell from 62 % to 47 %; with 0.1 they were 67 %, and piper's
at 10 dB 96 % (benchmarks/README-recognition.md, "Noise suppression")."""

UP_QUALITY, DOWN_QUALITY = "LQ", "QQ"
"""soxr's qualities for the trip to 48 kHz and back. With its default (HQ) both ways the two
streams held back 52 ms of audio, which came straight onto the time from the end of a command to
acting on it; these hold back 11 ms. Nothing above 8 kHz comes in, and the decoders use nothing
above 6.8 kHz, so the cheaper filters lose nothing they hear."""

FLUSH_SAMPLES = RATE // 10
"""Silence pushed through at the end of a stream: 0.1 s, more than the network, its frame and the
two resamplers hold back together; what comes out beyond the input is cut off."""

_FloatPointer = ctypes.POINTER(ctypes.c_float)


def load_library() -> ctypes.CDLL | None:
    """RNNoise's shared library from the installed pyrnnoise wheel, or None when there is none."""
    spec = importlib.util.find_spec("pyrnnoise")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "librnnoise.so"
        if path.is_file():
            try:
                library = ctypes.CDLL(str(path))
            except OSError as error:
                logger.warning("cannot load RNNoise from %s: %s", path, error)
                return None
            library.rnnoise_create.argtypes = [ctypes.c_void_p]
            library.rnnoise_create.restype = ctypes.c_void_p
            library.rnnoise_destroy.argtypes = [ctypes.c_void_p]
            library.rnnoise_process_frame.argtypes = [ctypes.c_void_p, _FloatPointer, _FloatPointer]
            library.rnnoise_process_frame.restype = ctypes.c_float
            return library
    return None


class RnnoiseSuppressor:
    """Feeds 16 kHz int16 samples in any block size; returns as many cleaned samples, a little late.

    Output sample k corresponds to input sample k, as with `denoise.NoiseSuppressor`:
    the network's and the resamplers' delays only hold samples back, so stream
    times stay as they were.
    """

    def __init__(self, library: ctypes.CDLL, floor: float = FLOOR) -> None:
        self._library = library
        self._state = library.rnnoise_create(None)
        self._floor = floor
        self._start_stream()

    def _start_stream(self) -> None:
        self._up = soxr.ResampleStream(RATE, NETWORK_RATE, 1, dtype="float32", quality=UP_QUALITY)
        self._down = soxr.ResampleStream(NETWORK_RATE, RATE, 1, dtype="float32", quality=DOWN_QUALITY)
        self._pending = np.zeros(0, np.float32)
        """48 kHz input not yet a whole frame."""
        self._history = np.zeros(NETWORK_DELAY, np.float32)
        """The last NETWORK_DELAY input samples at 48 kHz, for the floor to line up with the output."""
        self._skip = NETWORK_DELAY * RATE // NETWORK_RATE
        """The first samples out are the network's delay, not the input's."""
        self._owed = 0
        """Input samples not yet returned."""

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Take int16 samples; return the cleaned samples that are now final (int16)."""
        samples = np.asarray(samples, dtype=np.float32).ravel()
        self._owed += len(samples)
        return self._out(self._up.resample_chunk(samples), last=False)

    def flush(self) -> np.ndarray:
        """Push out what is held back (end of a stream), as if silence followed; what comes next is a new stream."""
        out = self._out(self._up.resample_chunk(np.zeros(FLUSH_SAMPLES, np.float32), last=True), last=True)
        self._start_stream()
        return out

    def close(self) -> None:
        """Free the network's state; idempotent."""
        if self._state is not None:
            self._library.rnnoise_destroy(self._state)
            self._state = None

    def __del__(self) -> None:
        self.close()

    def _out(self, upsampled: np.ndarray, last: bool) -> np.ndarray:
        data = np.concatenate([self._pending, upsampled])
        whole = len(data) // NETWORK_FRAME * NETWORK_FRAME
        self._pending = data[whole:]
        cleaned = np.empty(whole, np.float32)
        for start in range(0, whole, NETWORK_FRAME):
            # Slices of the contiguous float32 buffers: the network reads and writes them in place.
            frame = slice(start, start + NETWORK_FRAME)
            self._library.rnnoise_process_frame(self._state, cleaned[frame].ctypes.data_as(_FloatPointer),
                                                data[frame].ctypes.data_as(_FloatPointer))
        delayed = np.concatenate([self._history, data[:whole]])
        self._history = delayed[len(delayed) - NETWORK_DELAY:]
        cleaned += self._floor * delayed[:whole]
        out = self._down.resample_chunk(cleaned, last=last)
        dropped = min(self._skip, len(out))
        self._skip -= dropped
        out = out[dropped: dropped + self._owed]
        self._owed -= len(out)
        return np.clip(np.round(out), -32768, 32767).astype(np.int16)
