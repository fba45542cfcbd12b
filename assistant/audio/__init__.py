"""Audio in and out through sounddevice (PortAudio, ALSA on the Pi)."""


def device_setting(setting: str) -> int | str | None:
    """A device setting as sounddevice wants it: None (the default), an index, or part of a name."""
    setting = setting.strip()
    if not setting:
        return None
    return int(setting) if setting.isdigit() else setting
