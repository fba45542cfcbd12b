#!/usr/bin/env bash
# Set up a development or demo machine (Debian, Raspberry Pi OS, Ubuntu):
# the apt packages footstretch and its tests need, then a venv in .venv with
# the package installed. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv      # the virtual environment
  libportaudio2     # sounddevice's PortAudio
  libasound2-plugins alsa-utils  # ALSA, and its file plugin for the virtual sound card
  espeak-ng sox     # second voice and audio tools used by tests and benchmarks
  systemd           # systemd-analyze, to verify the unit file
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing apt packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test,rnnoise]'; then
  echo "bootstrap: no RNNoise wheel for this machine; hearing will suppress noise spectrally" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
fi
