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
from dataclasses import dataclass
from pathlib import Path

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
        """Use this card in the current process (call before importing sounddevice)."""
        os.environ.update(self.environment())


def make_virtual_card(directory: str | Path, capture_pcm: bytes = b"") -> VirtualCard:
    """Write a virtual card into `directory`; `capture_pcm` is what the microphone hears.

    `capture_pcm` is 16-bit little-endian mono audio; it is read at whatever
    rate the program opens the input stream with.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    card = VirtualCard(
        config=directory / "asound.conf",
        playback=directory / "playback.raw",
        capture=directory / "capture.raw",
    )
    card.capture.write_bytes(capture_pcm + TRAILING_SILENCE)
    card.playback.write_bytes(b"")
    system = os.environ.get("FOOTSTRETCH_SYSTEM_ALSA_CONF", SYSTEM_ALSA_CONF)
    # Two PCMs, not one: the file plugin also writes what it captures into its
    # `file`, so a shared one would mix the microphone into what was played.
    card.config.write_text(
        f"<{system}>\n"
        "pcm.virtual_out {\n"
        "    type file\n"
        '    slave.pcm "null"\n'
        f'    file "{card.playback}"\n'
        '    format "raw"\n'
        "}\n"
        "pcm.virtual_in {\n"
        "    type file\n"
        '    slave.pcm "null"\n'
        '    file "/dev/null"\n'
        f'    infile "{card.capture}"\n'
        '    format "raw"\n'
        "}\n"
        'pcm.!default { type asym  playback.pcm "virtual_out"  capture.pcm "virtual_in" }\n',
        encoding="utf-8",
    )
    return card
