#!/usr/bin/env bash
# Installs the Debian packages paymentd builds against and tests with, if any is missing:
# the C libraries' -dev packages, the PostgreSQL 15 server for throwaway test clusters, and socat.
# Needs root (or sudo) on Debian 12; does nothing when everything is already there.
set -euo pipefail

packages=(libpq-dev libcurl4-openssl-dev libsecp256k1-dev libsystemd-dev postgresql-15 socat systemd)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system packages present: ${packages[*]}" >&2
    exit 0
fi
echo "installing: ${missing[*]}" >&2
sudo=""
[[ "$(id -u)" == 0 ]] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
