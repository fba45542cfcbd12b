"""footstretch: an offline bedside voice coach for six foot stretches."""

import os

__version__ = "0.1.0"


def _keep_libraries_to_our_directories() -> None:
    """Stop the libraries footstretch loads from writing outside its own directories.

    Set before any of them is imported, and inherited by the recognizer's process:
    - onnxruntime (under piper) keeps a queue of telemetry events in
      `$XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime/`; off, always.
    - libpulse (ALSA's pulse plugin, which PortAudio loads to list devices) makes
      `$XDG_CONFIG_HOME/pulse/` when there is no `$XDG_RUNTIME_DIR`, as under a
      system service. Its runtime directory then goes in footstretch's cache instead.
      With `$XDG_RUNTIME_DIR` set it is left alone: that is where a person's own sound
      server listens, and the directory is gone at the next boot.
    """
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    if not os.environ.get("XDG_RUNTIME_DIR") and not os.environ.get("PULSE_RUNTIME_PATH"):
        from assistant.paths import cache_dir

        os.environ["PULSE_RUNTIME_PATH"] = str(cache_dir() / "pulse")


_keep_libraries_to_our_directories()
