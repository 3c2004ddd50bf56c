#!/usr/bin/env bash
# Creates devchain/.venv and installs devchain/requirements.txt into it.
# Idempotent: when the stamp file holds the hash of requirements.txt (and of this
# script), nothing is done. Works as root or as an ordinary user; needs only PyPI.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

want="$(cat "$here/requirements.txt" "$here/setup-venv.sh" | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "devchain venv up to date: $venv" >&2
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    if ! "$python" -m venv "$venv"; then
        # Debian's own python3 ships venv/ensurepip separately.
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
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$here/requirements.txt"
# Fail now, not at the first test, if an accelerated backend is missing.
"$venv/bin/python" -c "import coincurve, sha3, vyper, eth; print('devchain venv ready:', vyper.__version__)" >&2
echo "$want" > "$stamp"
