#!/usr/bin/env bash
# Benchmark (not a test) of mint-server: unpaid 402 challenges/s with p50/p99, and paid
# requests/s through mint-server as a ratio of paymentd's direct socket enqueue rate, in one
# run on a throwaway devchain and PostgreSQL. Installs wrk (Debian) and the devchain venv.
# Arguments go to mint-server-benchmark (--payments N, --connections C, --seconds S).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/opt/swift/usr/bin:$PATH"
if ! command -v wrk >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi
scripts/install-system-deps.sh
devchain/setup-venv.sh
# Release builds: the figures are the product's, not a debug build's.
for product in paymentd mint-server mint-server-benchmark; do swift build -c release --product "$product"; done
"$(swift build -c release --show-bin-path)/mint-server-benchmark" "$@"
