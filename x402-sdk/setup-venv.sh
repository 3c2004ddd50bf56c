#!/usr/bin/env bash
# Creates x402-sdk/.venv with the official x402 Python SDK (requirements.txt) for the
# mint-server tests. Idempotent: when the stamp holds the hash of requirements.txt and of this
# script, nothing is done. Needs only PyPI.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

want="$(cat "$here/requirements.txt" "$here/setup-venv.sh" | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "x402 SDK venv up to date: $venv" >&2
    exit 0
fi
if [[ ! -x "$venv/bin/python" ]]; then
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
            "$python" -m venv "$venv"
        else
            echo "python3 -m venv failed: install python3-venv" >&2
            exit 1
        fi
    fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt"
"$venv/bin/python" -c "import x402, eth_account, requests, httpx; print('x402 SDK venv ready')" >&2
echo "$want" > "$stamp"
