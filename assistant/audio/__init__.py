"""Audio in and out through sounddevice (PortAudio, ALSA on the Pi)."""
