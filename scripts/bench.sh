#!/usr/bin/env bash
# Builds paymentd and paymentd-bench in release mode and runs the full benchmark (about 25-35
# minutes on 2 cores): the table goes to standard output and into bench/results-<date>.txt, the
# JSON into bench/results-<date>.json, progress to standard error. Arguments are passed on to
# paymentd-bench (e.g. --quick, or --scenarios ceiling,throughput); see paymentd-bench --help.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/opt/swift/usr/bin:$PATH"

echo "== system packages" >&2
scripts/install-system-deps.sh
echo "== devchain venv" >&2
devchain/setup-venv.sh
echo "== x402 SDK venv (the peer scenario)" >&2
x402-sdk/setup-venv.sh
echo "== release build" >&2
swift build -c release --product paymentd
swift build -c release --product paymentd-bench
bin="$(swift build -c release --show-bin-path)"

mkdir -p bench
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
echo "== paymentd-bench $* (load average now: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
status=0
"$bin/paymentd-bench" --json-file "bench/results-$stamp.json" "$@" | tee "bench/results-$stamp.txt" || status=$?
echo "== kept bench/results-$stamp.json and bench/results-$stamp.txt" >&2
exit "$status"
