#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian 12 machine: installs the system packages and
# the devchain's Python venv, builds, then runs the Swift tests (which start their own throwaway
# PostgreSQL cluster and devchain) and the devchain's own tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/opt/swift/usr/bin:$PATH"

# Runs a step under a time limit, so a hang fails CI with a message instead of holding it until
# the runner's own limit. The limits are several times a step's normal duration on 2 cores.
bounded() {
    local limit=$1 what=$2
    shift 2
    local status=0
    timeout --kill-after=60 "$limit" "$@" || status=$?
    if [[ $status -eq 124 || $status -eq 137 ]]; then
        echo "FAILED: $what did not finish within $limit (a hang, or a machine far slower than this one)" >&2
    fi
    return "$status"
}

echo "== system packages" >&2
scripts/install-system-deps.sh
echo "== devchain venv" >&2
devchain/setup-venv.sh
echo "== x402 SDK venv (mint-server's independent test client)" >&2
x402-sdk/setup-venv.sh
echo "== swift build" >&2
swift build --build-tests
echo "== devchain tests" >&2
bounded 15m "the devchain tests" devchain/.venv/bin/python -m pytest devchain/tests -q
echo "== x402 SDK facilitator peer (the benchmark's comparison) on a devchain" >&2
bounded 10m "the x402 peer test" x402-sdk/.venv/bin/python -m pytest x402-sdk/test_facilitator_peer.py -q
echo "== swift tests" >&2
bounded 50m "swift test" swift test --disable-swift-testing
echo "== chaos drill (small; full size: see README)" >&2
bounded 15m "the chaos drill" .build/debug/paymentd-chaos --payments 150 --kills 2 --reorgs 2 --rpc-faults 2 --timeout 600 \
    --seed "${CHAOS_SEED:-1}"
