"""`footstretch devices`: the audio devices PortAudio sees."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `devices` sub-command."""
    parser = subparsers.add_parser("devices", help="list audio input and output devices")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per device: index, name, channels in/out, default rate."""
    from assistant.audio.capture import list_devices

    for device in list_devices():
        print(f"{device.index}\t{device.name}\tin={device.inputs}\tout={device.outputs}\t{device.rate:.0f} Hz")
    return 0
