#!/usr/bin/env bash
# Creates devchain/.venv with devchain/requirements.txt (see scripts/python-venv.sh); fails now,
# not at the first test, if an accelerated backend is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../scripts/python-venv.sh" "$here" devchain "import coincurve, sha3, vyper, eth"
