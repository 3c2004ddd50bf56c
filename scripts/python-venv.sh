#!/usr/bin/env bash
# Creates DIR/.venv and installs DIR/requirements.txt into it, then runs CHECK (Python code)
# in it so a missing module fails now, not at the first test. Shared by devchain/setup-venv.sh
# and x402-sdk/setup-venv.sh. Idempotent: when the stamp holds the hash of requirements.txt,
# the caller and this script, nothing is done. Works as root or as an ordinary user (Debian's
# python3 ships venv separately: root installs python3-venv with apt-get); needs only PyPI.
#
# Usage: scripts/python-venv.sh DIR LABEL CHECK
set -euo pipefail
[[ $# == 3 ]] || { echo "usage: $0 DIR LABEL CHECK" >&2; exit 2; }
here="$(cd "$1" && pwd)"
label="$2"
check="$3"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

want="$(cat "$here/requirements.txt" "$here/setup-venv.sh" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$label venv up to date: $venv" >&2
    exit 0
fi
if [[ ! -x "$venv/bin/python" ]]; then
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
            echo "installing python3-venv with apt-get" >&2
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
            "$python" -m venv "$venv"
        else
            echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)" >&2
            exit 1
        fi
    fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt"
"$venv/bin/python" -c "$check" >&2
echo "$label venv ready: $venv" >&2
echo "$want" > "$stamp"
