#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian 12 machine: installs the system packages and
# the devchain's Python venv, builds, then runs the Swift tests (which start their own throwaway
# PostgreSQL cluster and devchain) and the devchain's own tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/opt/swift/usr/bin:$PATH"

echo "== system packages" >&2
scripts/install-system-deps.sh
echo "== devchain venv" >&2
devchain/setup-venv.sh
echo "== x402 SDK venv (mint-server's independent test client)" >&2
x402-sdk/setup-venv.sh
echo "== swift build" >&2
swift build --build-tests
echo "== devchain tests" >&2
devchain/.venv/bin/python -m pytest devchain/tests -q
echo "== x402 SDK facilitator peer (the benchmark's comparison) on a devchain" >&2
x402-sdk/.venv/bin/python -m pytest x402-sdk/test_facilitator_peer.py -q
echo "== swift tests" >&2
swift test --disable-swift-testing
echo "== chaos drill (small; full size: see README)" >&2
.build/debug/paymentd-chaos --payments 150 --kills 2 --reorgs 2 --rpc-faults 2 --seed "${CHAOS_SEED:-1}"
