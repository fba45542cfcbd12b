#!/usr/bin/env bash
# Install footstretch as an always-on service on a Raspberry Pi (Raspberry Pi OS bookworm).
#
#   sudo scripts/install-pi.sh            # from the repository checkout
#   scripts/install-pi.sh --dry-run       # print every step, change nothing
#
# Safe to run again (to upgrade, or to repair): it never overwrites a config,
# never touches the history, and only adds what is missing. See docs/install.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: sudo scripts/install-pi.sh [--dry-run] [--with-espeak]

Installs the apt packages footstretch needs, a service user "footstretch" in the
audio and gpio groups, a virtualenv in /opt/footstretch/venv with footstretch in
it, the vosk speech model (when online), /etc/footstretch/config.toml (only if
there is none), the prompt cache, and the systemd unit, which it enables and
starts.

  --dry-run      print what would be done and change nothing (no root needed)
  --with-espeak  also install espeak-ng (handy for making test recordings)
EOF
}

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/footstretch
VENV="$PREFIX/venv"
BIN="$VENV/bin/footstretch"
SERVICE_USER=footstretch
STATE_DIR=/var/lib/footstretch
CACHE_DIR=/var/cache/footstretch
CONFIG_DIR=/etc/footstretch
CONFIG="$CONFIG_DIR/config.toml"
UNIT=/etc/systemd/system/footstretch.service
DOC_DIR=/usr/share/doc/footstretch
VOSK_MODEL=vosk-model-small-en-us-0.15
APT_PACKAGES=(python3-venv python3-pip libportaudio2 python3-lgpio)

DRY_RUN=0
WITH_ESPEAK=0
for arg in "$@"; do
    case "$arg" in
        --dry-run) DRY_RUN=1 ;;
        --with-espeak) WITH_ESPEAK=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install-pi.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
    esac
done

SCRIPT=install-pi.sh
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

# A footstretch command as the service user, with the directories the service will use.
as_service() {
    run runuser -u "$SERVICE_USER" -- env -C / \
        FOOTSTRETCH_DATA_DIR="$STATE_DIR" STATE_DIRECTORY="$STATE_DIR" CACHE_DIRECTORY="$CACHE_DIR" \
        "$BIN" "$@"
}

require_root "$@"
if [ ! -f "$REPO/pyproject.toml" ] || [ ! -f "$REPO/systemd/footstretch.service" ]; then
    echo "install-pi.sh: run it from a footstretch checkout (no pyproject.toml in $REPO)" >&2
    exit 1
fi

step "apt packages"
if [ "$WITH_ESPEAK" = 1 ]; then
    APT_PACKAGES+=(espeak-ng)
fi
run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}"

step "service user $SERVICE_USER in the audio and gpio groups"
for group in audio gpio; do
    # The unit's SupplementaryGroups= refuses to start when a group is missing (gpio is missing off a Pi).
    if ! getent group "$group" >/dev/null; then
        run groupadd --system "$group"
    fi
done
if id "$SERVICE_USER" >/dev/null 2>&1; then
    run usermod --append --groups audio,gpio "$SERVICE_USER"
else
    run useradd --system --user-group --groups audio,gpio --home-dir "$STATE_DIR" --no-create-home \
        --shell /usr/sbin/nologin --comment "footstretch coach" "$SERVICE_USER"
fi

step "directories"
run install -d -m 0755 "$PREFIX" "$CONFIG_DIR"
run install -d -o "$SERVICE_USER" -g "$SERVICE_USER" -m 0750 "$STATE_DIR" "$CACHE_DIR"

step "virtualenv $VENV with footstretch from $REPO"
if [ ! -x "$VENV/bin/python" ]; then
    # System site packages: lgpio comes from apt (python3-lgpio), built for this Pi's kernel.
    run python3 -m venv --system-site-packages "$VENV"
fi
# Build from a copy: building in the checkout would leave root-owned build/ and egg-info in it.
if [ "$DRY_RUN" = 1 ]; then
    SRC=/tmp/footstretch-src
else
    SRC="$(mktemp -d)"
    trap 'rm -rf "$SRC"' EXIT
fi
run tar -C "$REPO" --exclude=./.git --exclude=./.venv --exclude=./build --exclude='*.egg-info' \
    -cf "$SRC/footstretch.tar" .
run install -d "$SRC/tree"
run tar -C "$SRC/tree" -xf "$SRC/footstretch.tar"
# RNNoise (hearing over a fan) has wheels for 64-bit ARM and x86 only: a 32-bit Pi OS goes on without it.
if ! run "$VENV/bin/pip" install --disable-pip-version-check --no-cache-dir --upgrade "$SRC/tree[rnnoise]"; then
    note "No RNNoise wheel for this system (32-bit?): hearing suppresses noise spectrally, and hears less over a fan."
    run "$VENV/bin/pip" install --disable-pip-version-check --no-cache-dir --upgrade "$SRC/tree"
fi
run ln -sfn "$BIN" /usr/local/bin/footstretch

step "speech model $VOSK_MODEL"
if ! as_service models --data-dir "$STATE_DIR/models" fetch "$VOSK_MODEL"; then
    note "Could not fetch the vosk model (offline?). The coach listens with pocketsphinx until it is there."
    note "Later, when online:  sudo scripts/install-pi.sh   (or the models fetch line above)"
fi

step "config $CONFIG"
if [ -e "$CONFIG" ]; then
    note "Keeping the existing config (never overwritten)."
    if ! run "$BIN" config check --config "$CONFIG"; then
        note "Fix $CONFIG: the service will not start with it as it is (journalctl -u footstretch says why)."
    fi
else
    printf '+ %q config example > %q\n' "$BIN" "$CONFIG"
    if [ "$DRY_RUN" = 0 ]; then
        example="$(mktemp)"
        "$BIN" config example > "$example"
        install -m 0644 "$example" "$CONFIG"
        rm -f "$example"
    fi
fi

step "prompt cache in $CACHE_DIR"
if ! as_service voices prepare; then
    note "Could not render the prompts now; the service renders what it needs as it goes."
fi

step "systemd unit"
run install -m 0644 "$REPO/systemd/footstretch.service" "$UNIT"
run install -D -m 0644 "$REPO/docs/install.md" "$DOC_DIR/install.md"
run systemctl daemon-reload
run systemctl enable footstretch.service
# restart, not start: a second run after an upgrade must load the new code.
run systemctl restart footstretch.service

step "done"
note "Follow it:        journalctl -u footstretch -f"
note "Is it running:    systemctl status footstretch"
note "Your sessions:    sudo footstretch history --state-dir $STATE_DIR"
note "Config:           $CONFIG  (then: sudo systemctl restart footstretch)"
note "Remove it again:  sudo scripts/uninstall-pi.sh   (keeps history and config unless --purge)"
