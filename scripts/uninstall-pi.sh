#!/usr/bin/env bash
# Remove the footstretch service from a Raspberry Pi.
#
#   sudo scripts/uninstall-pi.sh            # keeps the history, models and config
#   sudo scripts/uninstall-pi.sh --purge    # removes those and the service user too
#   scripts/uninstall-pi.sh --dry-run       # print every step, change nothing
#
# apt packages stay installed: other software may use them. See docs/install.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: sudo scripts/uninstall-pi.sh [--dry-run] [--purge]

Stops and disables the service and removes the unit, /opt/footstretch and the
prompt cache. The history and fetched models in /var/lib/footstretch, the config
in /etc/footstretch and the footstretch user stay, so installing again picks up
where it was.

  --purge    also delete /var/lib/footstretch (history, models), /etc/footstretch
             (config) and the footstretch user
  --dry-run  print what would be done and change nothing (no root needed)
EOF
}

SERVICE_USER=footstretch
PREFIX=/opt/footstretch
STATE_DIR=/var/lib/footstretch
CACHE_DIR=/var/cache/footstretch
CONFIG_DIR=/etc/footstretch
UNIT=/etc/systemd/system/footstretch.service
DOC_DIR=/usr/share/doc/footstretch
LINK=/usr/local/bin/footstretch

DRY_RUN=0
PURGE=0
for arg in "$@"; do
    case "$arg" in
        --dry-run) DRY_RUN=1 ;;
        --purge) PURGE=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "uninstall-pi.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
    esac
done

SCRIPT=uninstall-pi.sh
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

require_root "$@"

step "service"
# Stopping first lets the service record the session in progress before it goes.
if [ -e "$UNIT" ] || [ "$DRY_RUN" = 1 ]; then
    run systemctl disable --now footstretch.service
fi
run rm -f "$UNIT"
run systemctl daemon-reload
run systemctl reset-failed footstretch.service || true

step "program"
run rm -rf "$PREFIX" "$DOC_DIR" "$CACHE_DIR"
if [ -L "$LINK" ] || [ "$DRY_RUN" = 1 ]; then
    run rm -f "$LINK"
fi

if [ "$PURGE" = 1 ]; then
    step "history, models, config and the service user (--purge)"
    run rm -rf "$STATE_DIR" "$CONFIG_DIR"
    if id "$SERVICE_USER" >/dev/null 2>&1 || [ "$DRY_RUN" = 1 ]; then
        run userdel "$SERVICE_USER"
    fi
else
    step "kept"
    note "History and models:  $STATE_DIR"
    note "Config:              $CONFIG_DIR/config.toml"
    note "Service user:        $SERVICE_USER"
    note "To delete them too:  sudo scripts/uninstall-pi.sh --purge"
fi
