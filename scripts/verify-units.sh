#!/usr/bin/env bash
# Checks the installed systemd units the way systemd would load them: `systemd-analyze verify`
# (which also checks that every ExecStart= binary exists and is executable) on an installed tree,
# failing on any warning, and `systemd-analyze security --offline` on each service, failing when
# paymentd.service scores worse than "OK". Works on Debian 12's systemd 252 without a running
# systemd: the tree is copied into a scratch root next to the host's own unit files, which verify
# needs for sysinit.target and friends.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/verify-units.sh --root DIR [--prefix /usr]

DIR is a tree made by `scripts/install.sh --destdir DIR` (or / for the live system).
A unit whose program is not installed in DIR is reported and skipped (verify would only say
that its ExecStart= binary is missing).

Example:
  scripts/install.sh --destdir /tmp/stage --no-build --bin-dir .build/debug
  scripts/verify-units.sh --root /tmp/stage
EOF
}

root=""
prefix=/usr
while [[ $# -gt 0 ]]; do
    case "$1" in
        --root) root=${2:?--root needs a directory}; shift ;;
        --root=*) root=${1#*=} ;;
        --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
        --prefix=*) prefix=${1#*=} ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; echo "verify-units.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ -n "$root" ]] || { usage >&2; exit 2; }
[[ -d "$root$prefix/lib/systemd/system" ]] || { echo "verify-units.sh: no units in $root$prefix/lib/systemd/system" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "verify-units.sh: systemd-analyze is missing (apt-get install systemd)" >&2; exit 1; }

# The scratch root: the installed tree (hard links where possible), the host's unit files that
# ours depend on (sockets.target, multi-user.target, ...), and /bin/kill for ExecReload=.
scratch=$(mktemp -d /tmp/paymentd-verify-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp -al "$root/." "$scratch/" 2>/dev/null || cp -a "$root/." "$scratch/"
mkdir -p "$scratch/usr/lib/systemd/system" "$scratch/usr/bin"
cp -an /usr/lib/systemd/system/. "$scratch/usr/lib/systemd/system/" 2>/dev/null || true
[[ -e "$scratch/bin" ]] || ln -s usr/bin "$scratch/bin"
[[ -e "$scratch/usr/bin/kill" ]] || cp "$(readlink -f /bin/kill)" "$scratch/usr/bin/kill"

unitdir=$prefix/lib/systemd/system
units=()
for path in "$root$unitdir"/paymentd* "$root$unitdir"/mint-server*; do
    [[ -e "$path" ]] || continue
    unit=$(basename "$path")
    # A timer is verifiable when the service it starts is; a socket runs nothing itself.
    service=$path
    [[ "$unit" == *.timer ]] && service=${path%.timer}.service
    program=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$service" 2>/dev/null | head -1)
    if [[ -n "$program" && ! -x "$scratch$program" ]]; then
        echo "not verified: $unit ($program is not installed in this tree)"
        continue
    fi
    units+=("$unit")
done
[[ " ${units[*]} " =~ " paymentd.service " ]] || { echo "verify-units.sh: paymentd.service is not verifiable (paymentd not installed?)" >&2; exit 1; }

# verify's exit status ignores unknown keys and the like; any output at all is a failure here.
output=$(cd "$scratch" && systemd-analyze verify --root="$scratch" "${units[@]}" 2>&1) || {
    echo "$output" >&2; echo "verify-units.sh: systemd-analyze verify failed" >&2; exit 1; }
if [[ -n "$output" ]]; then
    echo "$output" >&2
    echo "verify-units.sh: systemd-analyze verify warned (every warning is an error here)" >&2
    exit 1
fi
echo "verified: ${units[*]}"

for unit in "${units[@]}"; do
    [[ "$unit" == *.service ]] || continue
    # --threshold is the exposure level times ten: 19 means "OK" (below 2.0) or better.
    threshold=100
    [[ "$unit" == paymentd.service ]] && threshold=19
    score=$(cd "$scratch" && systemd-analyze security --offline=true --root="$scratch" --threshold="$threshold" "$unit" 2>&1 \
        | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]* [A-Z]*\).*/\1/p') || {
        echo "verify-units.sh: $unit scores worse than allowed (threshold $threshold): $score" >&2; exit 1; }
    echo "security: $unit $score"
done
