"""A virtual sound card made of files, for `demo` and tests on machines with none.

ALSA's `file` PCM plays into one raw file and records from another. Pointing
`ALSA_CONFIG_PATH` at a config that first includes the system's own
`alsa.conf` and then redefines `default` makes PortAudio see it as the default
device. The variable must be set before `sounddevice` is first imported,
because PortAudio reads the ALSA configuration once when it starts.

The card is not paced in real time: the null slave runs as fast as it is
read, so callers that care about timing pace their own input.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SYSTEM_ALSA_CONF = "/usr/share/alsa/alsa.conf"
SAMPLE_RATE = 16000
"""The rate `capture.raw` is written at and read back at (16-bit mono)."""
TRAILING_SILENCE = b"\0\0" * SAMPLE_RATE
"""Past the end of its input file the plugin repeats the last period it read,
so the capture always ends with a second of silence: the microphone then hears
silence forever instead of the last syllable over and over."""


@dataclass(frozen=True)
class VirtualCard:
    """Paths of one virtual card: its ALSA config and its two raw files."""

    config: Path
    playback: Path
    capture: Path

    def environment(self) -> dict[str, str]:
        """Environment variables that make PortAudio use this card."""
        return {"ALSA_CONFIG_PATH": str(self.config)}

    def activate(self) -> None:
        """Use this card in the current process; PortAudio reads the ALSA config once, so sounddevice must not be loaded yet."""
        if "sounddevice" in sys.modules:
            raise RuntimeError("the virtual card must be set up before sounddevice is imported")
        os.environ.update(self.environment())


def file_pcm(name: str, file: str | Path, infile: str | Path | None = None) -> str:
    """ALSA config text for a `file` PCM called `name`: playing into `file`, capturing from `infile`."""
    capture = f'    infile "{infile}"\n' if infile is not None else ""
    return (f"pcm.{name} {{\n    type file\n    slave.pcm \"null\"\n    file \"{file}\"\n"
            f"{capture}    format \"raw\"\n}}\n")


def _card_in(directory: str | Path) -> VirtualCard:
    """The card's paths in `directory` (made if need be), with an empty `playback.raw`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    card = VirtualCard(
        config=directory / "asound.conf",
        playback=directory / "playback.raw",
        capture=directory / "capture.raw",
    )
    card.playback.write_bytes(b"")
    return card


def _write_config(card: VirtualCard, pcms: str) -> None:
    """The card's ALSA config: the system's own, then `pcms`."""
    system = os.environ.get("FOOTSTRETCH_SYSTEM_ALSA_CONF", SYSTEM_ALSA_CONF)
    card.config.write_text(f"<{system}>\n{pcms}", encoding="utf-8")


def make_virtual_card(directory: str | Path, capture_pcm: bytes = b"") -> VirtualCard:
    """Write a virtual card into `directory`; `capture_pcm` is what the microphone hears.

    `capture_pcm` is 16-bit little-endian mono audio; it is read at whatever
    rate the program opens the input stream with.
    """
    card = _card_in(directory)
    card.capture.write_bytes(capture_pcm + TRAILING_SILENCE)
    # Two PCMs, not one: the file plugin also writes what it captures into its
    # `file`, so a shared one would mix the microphone into what was played.
    _write_config(card, file_pcm("virtual_out", card.playback) + file_pcm("virtual_in", "/dev/null", card.capture)
                  + 'pcm.!default { type asym  playback.pcm "virtual_out"  capture.pcm "virtual_in" }\n')
    return card


def make_live_card(directory: str | Path) -> VirtualCard:
    """The card of `footstretch run --virtual-card DIR`, a contract outside checks rely on.

    `DIR/playback.raw` is written (from empty) as the speaker plays, always
    16 kHz mono s16le: ALSA's `plug` converts whatever rate and channels the
    speaker opens with. `DIR/capture.raw` is heard live by `LiveCapture`, not
    through ALSA; it is made empty if it is not there, and never truncated.
    """
    card = _card_in(directory)
    card.capture.touch()
    _write_config(card, file_pcm("virtual_file", card.playback)
                  + f'pcm.virtual_out {{ type plug  slave {{ pcm "virtual_file"  format S16_LE  rate {SAMPLE_RATE}'
                  '  channels 1 } }\n'
                  'pcm.!default { type asym  playback.pcm "virtual_out"  capture.pcm "null" }\n')
    return card


class LiveCapture:
    """A microphone that hears a raw file as it grows: 16 kHz mono s16le, from its end at opening.

    A thread hands `on_audio` what has been appended since the last block, or a
    block of silence when nothing new has come. It does not pace itself: the
    receiver holds it to real time (`hearing.Ears` with a `Pacer`). Like
    `capture.Microphone`, `block_seconds` may be changed at any time.
    """

    def __init__(self, path: str | Path, on_audio: Callable[[np.ndarray], None], *, block_seconds: float) -> None:
        self._on_audio = on_audio
        self.block_seconds = block_seconds
        self._file = open(path, "rb")  # noqa: SIM115 - closed by `close`
        self._file.seek(0, os.SEEK_END)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._hear, name="live-capture", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        """True until closed: a file never comes unplugged."""
        return not self._closed.is_set()

    def _hear(self) -> None:
        leftover = b""
        while not self._closed.is_set():
            block = max(1, round(SAMPLE_RATE * self.block_seconds))
            data = leftover + self._file.read(2 * block - len(leftover))
            whole = len(data) // 2 * 2
            data, leftover = data[:whole], data[whole:]
            if data:
                self._on_audio(np.frombuffer(data, dtype="<i2").astype(np.int16))
            else:
                self._on_audio(np.zeros(block, dtype=np.int16))

    def close(self) -> None:
        """Stop hearing and close the file; idempotent."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._thread.join(timeout=2)
        self._file.close()
