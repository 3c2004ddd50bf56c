#!/usr/bin/env bash
# The main job, as far as it exists: installs what is missing and builds every target.
# (The end-to-end demo — devchain, throwaway Postgres, paymentd, a few hundred payments — arrives
# with the daemon; until then this proves a fresh machine can build the whole package.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-system-deps.sh
devchain/setup-venv.sh
swift build
echo "built: $(swift build --show-bin-path)" >&2
