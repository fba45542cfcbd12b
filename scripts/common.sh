# Shared by install-pi.sh and uninstall-pi.sh (sourced, not run): output and dry runs.
# The sourcing script sets DRY_RUN (0 or 1) and SCRIPT (its name, for messages).

step() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }

# Print a command, then run it unless this is a dry run.
run() {
    printf '+'
    for word in "$@"; do
        if [[ "$word" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then printf ' %s' "$word"; else printf ' %q' "$word"; fi
    done
    printf '\n'
    if [ "$DRY_RUN" = 0 ]; then
        "$@"
    fi
}

# Stop unless root (a dry run changes nothing, so anyone may do it).
require_root() {
    if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
        echo "$SCRIPT: run it as root: sudo $0 $*" >&2
        exit 1
    fi
    if [ "$DRY_RUN" = 1 ]; then
        echo "Dry run: nothing will be changed."
    fi
}
