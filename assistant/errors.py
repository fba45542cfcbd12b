"""The one error root of the project and its few branches.

Each subclass also inherits the builtin it resembles, so callers that only
know the standard library still catch it sensibly.
"""

from __future__ import annotations

EXIT_USAGE = 2
EXIT_CONFIG = 78  # EX_CONFIG from sysexits.h; the systemd unit stops restarting on it


class AssistantError(Exception):
    """Root of every error footstretch reports to a person instead of a traceback."""

    exit_code = 1


class ConfigError(AssistantError, ValueError):
    """A config or routine file is malformed; the message names file, key and line."""

    exit_code = EXIT_CONFIG


class InputError(AssistantError, ValueError):
    """A file or argument given on the command line cannot be used."""

    exit_code = EXIT_USAGE


class ModelError(AssistantError, FileNotFoundError):
    """A speech model or voice is missing or corrupt; the message says how to get it."""

    exit_code = 1


class DownloadError(AssistantError, OSError):
    """Fetching a model or voice failed; nothing half-downloaded was installed."""

    exit_code = 1


class DeviceError(AssistantError, OSError):
    """An audio or GPIO device is missing or busy."""

    exit_code = 1
