#!/usr/bin/env bash
# The main job, end to end on this machine: installs what is missing, builds, starts a throwaway
# PostgreSQL 15 and the devchain, deploys the contracts, starts paymentd on a Unix socket,
# enqueues a few hundred buyer-signed payments over the socket with visible progress, and ends
# with the daemon's stats and the on-chain balances. Everything it starts is stopped and removed
# on exit. COUNT=N changes the number of payments; KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
export PATH="/opt/swift/usr/bin:$PATH"
count=${COUNT:-300}

echo "== installing what is missing" >&2
scripts/install-system-deps.sh
devchain/setup-venv.sh
echo "== building" >&2
swift build --product paymentd
swift build --product paymentd-demo
bin=$(swift build --show-bin-path)

work=$(mktemp -d /tmp/paymentd-demo-XXXXXX)
chmod 755 "$work"
pids=()
pgbin=/usr/lib/postgresql/15/bin
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    set +e
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    [[ -d "$work/pg/data" ]] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1
    if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "== starting a throwaway PostgreSQL 15 in $work/pg" >&2
mkdir -p "$work/pg/sock"
[[ $(id -u) == 0 ]] && chown -R postgres:postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-k $work/pg/sock -c listen_addresses=''" start >/dev/null
as_pg "$pgbin/createdb" -h "$work/pg/sock" -U postgres paymentd

echo "== starting the devchain and deploying the contracts" >&2
(cd devchain && exec .venv/bin/python -m devchain serve --port 0 --block-ms 1000 --deploy-json "$work/deploy.json" \
    >"$work/devchain.out" 2>"$work/devchain.log") &
pids+=($!)
for _ in $(seq 1 120); do [[ -s "$work/deploy.json" ]] && break; sleep 0.5; done
[[ -s "$work/deploy.json" ]] || { echo "the devchain did not start:" >&2; tail -20 "$work/devchain.log" >&2; exit 1; }

# Keys go to files (mode 0600), never to argv or the environment.
umask 077
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
d = json.load(open(f"{work}/deploy.json"))
for i, s in enumerate(d["signers"]):
    open(f"{work}/signer-{i}.key", "w").write(s["private_key"] + "\n")
open(f"{work}/minter.key", "w").write(d["minter"]["private_key"] + "\n")
conf = f"""# paymentd demo configuration
socket_path = {work}/paymentd.sock
database_url = host={work}/pg/sock dbname=paymentd user=postgres
rpc_url = {d["rpc_url"]}
chain_id = {d["chain_id"]}
receiver = {d["receiver"]}
payment_tokens = {d["usdc"]}:{d["usdc_name"]}:{d["usdc_version"]}
mint_tokens = {d["mint_token"]}
# 0.5 USDC per item, at most 10 items per payment; the demo reads this back with `prices`.
prices = {d["mint_token"]}:{d["usdc"]}:500000:10
signer_key_files = {",".join(f"{work}/signer-{i}.key" for i in range(len(d["signers"])))}
minter_key_file = {work}/minter.key
migrations_dir = MIGRATIONS
log_level = notice
"""
open(f"{work}/paymentd.conf", "w").write(conf)
PY
umask 022
sed -i "s|MIGRATIONS|$repo/migrations|" "$work/paymentd.conf"

echo "== starting paymentd" >&2
"$bin/paymentd" --config "$work/paymentd.conf" 2>"$work/paymentd.log" &
paymentd_pid=$!
pids+=($paymentd_pid)
for _ in $(seq 1 120); do [[ -S "$work/paymentd.sock" ]] && break; sleep 0.5; done
[[ -S "$work/paymentd.sock" ]] || { echo "paymentd did not start:" >&2; tail -20 "$work/paymentd.log" >&2; exit 1; }
# Raise the per-payer limit for the demo's few buyers (a live setting, no restart).
echo 'settings set max_pending_per_payer 100000' \
    | socat -t 5 - "UNIX-CONNECT:$work/paymentd.sock" >/dev/null

echo "== enqueueing $count payments over the socket" >&2
"$bin/paymentd-demo" --socket "$work/paymentd.sock" --deploy-json "$work/deploy.json" --count "$count"

echo "== stopping paymentd (the stop command)" >&2
echo stop | socat -t 5 - "UNIX-CONNECT:$work/paymentd.sock"
wait "$paymentd_pid"
echo "paymentd exited with status $?" >&2
