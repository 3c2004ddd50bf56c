#!/usr/bin/env bash
# Creates x402-sdk/.venv with the official x402 Python SDK (requirements.txt) for the
# mint-server tests and the benchmark's peer (see scripts/python-venv.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../scripts/python-venv.sh" "$here" "x402 SDK" "import x402, x402.extensions.payment_identifier, eth_account, requests, httpx, pytest"
