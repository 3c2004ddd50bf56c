#!/usr/bin/env bash
# The main job, end to end on this machine: installs what is missing, builds, starts a throwaway
# PostgreSQL 15 and the devchain, deploys the contracts, starts paymentd on a Unix socket and
# mint-server in front of it; then plays buyers through x402 over HTTP with x402-buy (version 1
# and version 2 clients, 32 at a time, each purchase followed to completed), and ends with a summary table
# (statuses, mints, pay -> completed percentiles, payments/min), the on-chain balances checked
# against the ledger, the health line and where to look next.
# Everything it starts is stopped and removed on exit, unless KEEP=1.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/demo.sh [-h|--help]

Environment:
  COUNT=N   payments (buyers' purchases) to play (default 300)
  KEEP=1    leave PostgreSQL, the devchain, paymentd and mint-server running at the end and
            print how to talk to them (and how to stop them)

Runs as root or with sudo the first time (apt-get); Swift 6.3 is expected at /opt/swift.
EOF
}
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; echo "demo.sh: unknown argument: $1" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
export PATH="/opt/swift/usr/bin:$PATH"
count=${COUNT:-300}
keep=${KEEP:-0}
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "demo.sh: COUNT must be a positive number (got $count)" >&2; exit 2; }

echo "== installing what is missing" >&2
scripts/install-system-deps.sh
devchain/setup-venv.sh

echo "== building" >&2
for product in paymentd mint-server x402-buy payctl paymentd-health; do swift build --product "$product"; done
bin=$(swift build --show-bin-path)

work=$(mktemp -d /tmp/paymentd-demo-XXXXXX)
chmod 755 "$work"
pids=()
pgbin=/usr/lib/postgresql/15/bin
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    set +e
    if [[ "$keep" == 1 ]]; then
        print_keep_instructions
        return
    fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    [[ -d "$work/pg/data" ]] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

socket=$work/paymentd.sock
mint_url=""
ask() { printf '%s\n' "$1" | socat -t 5 - "UNIX-CONNECT:$socket"; }
psql_demo() { as_pg psql -X -q -A -t -h "$work/pg/sock" -U postgres -d paymentd -c "$1"; }

# The receiver's USDC and the buyers' minted tokens, read from the chain (balanceOf by eth_call).
balances() {
    python3 - "$work/deploy.json" <<'PY'
import json, sys, urllib.request
d = json.load(open(sys.argv[1]))
def balance(token, account):
    data = "0x70a08231" + account[2:].lower().rjust(64, "0")
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": token, "data": data}, "latest"]}).encode()
    request = urllib.request.Request(d["rpc_url"], body, {"Content-Type": "application/json"})
    return int(json.load(urllib.request.urlopen(request, timeout=10))["result"], 16)
print(balance(d["usdc"], d["receiver"]), sum(balance(d["mint_token"], b["address"]) for b in d["buyers"]))
PY
}

print_keep_instructions() {
    cat >&2 <<EOF

== left running (KEEP=1), in $work
  paymentd      socket $socket, log $work/paymentd.log
                echo stats | socat - UNIX-CONNECT:$socket
EOF
    echo "                $bin/payctl --socket $socket watch" >&2
    [[ -n "$mint_url" ]] && echo "  mint-server   $mint_url (log $work/mint-server.log)" >&2
    cat >&2 <<EOF
  devchain      $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rpc_url"])' "$work/deploy.json" 2>/dev/null) (deployment: $work/deploy.json)
  PostgreSQL    psql "host=$work/pg/sock dbname=paymentd user=postgres"
  stop it all   kill ${pids[*]}; $( [[ $(id -u) == 0 ]] && echo "runuser -u postgres -- ")$pgbin/pg_ctl -D $work/pg/data stop; rm -rf $work
EOF
}

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
# 0.5 USDC per item, at most 10 items per payment; buyers read this back with `prices`.
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
for _ in $(seq 1 120); do [[ -S "$socket" ]] && break; sleep 0.5; done
[[ -S "$socket" ]] || { echo "paymentd did not start:" >&2; tail -20 "$work/paymentd.log" >&2; exit 1; }
# Raise the per-payer limit for the demo's few buyers (a live setting, no restart).
ask 'settings set max_pending_per_payer 100000' >/dev/null

# mint-server in front of the socket; x402-buy plays the buyers over HTTP (v1 and v2 mixed).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mint_url="http://127.0.0.1:$port"
python3 - "$work" "$port" <<'PY'
import json, sys
work, port = sys.argv[1], sys.argv[2]
d = json.load(open(f"{work}/deploy.json"))
open(f"{work}/buyers.keys", "w").write("".join(b["private_key"] + "\n" for b in d["buyers"]))
open(f"{work}/mint-server.conf", "w").write(f"""# mint-server demo configuration
socket_path = {work}/paymentd.sock
listen = 127.0.0.1:{port}
chain_id = {d["chain_id"]}
pay_to = {d["receiver"]}
eip712_name = {d["usdc_name"]}
eip712_version = {d["usdc_version"]}
log_level = notice
""")
PY
chmod 600 "$work/buyers.keys"
echo "== starting mint-server on $mint_url" >&2
"$bin/mint-server" --config "$work/mint-server.conf" 2>"$work/mint-server.log" &
pids+=($!)
up=0
for _ in $(seq 1 120); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/health", timeout=1)' "$mint_url" 2>/dev/null; then
        up=1; break
    fi
    sleep 0.5
done
[[ "$up" == 1 ]] || { echo "mint-server did not start:" >&2; tail -20 "$work/mint-server.log" >&2; exit 1; }
resource="$mint_url/api/mint/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mint_token"])' "$work/deploy.json")"
chain_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chain_id"])' "$work/deploy.json")
# Both generations of x402 client: the first half pays with version 1 (X-PAYMENT), the rest
# with version 2 (PAYMENT-SIGNATURE).
v1=$(( (count + 1) / 2 )); v2=$(( count - v1 ))
read -r receiver_before minted_before < <(balances)
echo "== $count buyers paying $resource through x402 ($v1 with version 1, $v2 with version 2)" >&2
"$bin/x402-buy" "$resource" --key-file "$work/buyers.keys" --chain-id "$chain_id" --x402-version 1 \
    --count "$v1" --concurrency 32
if [[ "$v2" -gt 0 ]]; then
    "$bin/x402-buy" "$resource" --key-file "$work/buyers.keys" --chain-id "$chain_id" --x402-version 2 \
        --count "$v2" --concurrency 32
fi
# x402-buy follows every 202 to completed; wait out what the mint loop still has.
for _ in $(seq 1 120); do
    [[ "$(psql_demo "SELECT count(*) FROM mint_queue WHERE status IN ('pending', 'processing')")" == 0 ]] && break
    sleep 0.5
done

echo "== summary" >&2
timing=$(psql_demo "SELECT count(*),
    coalesce(round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at)))::bigint, 0),
    coalesce(round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at)))::bigint, 0),
    coalesce(round(60 * count(*) / greatest(extract(epoch FROM max(processed_at) - min(created_at)), 0.001))::bigint, 0),
    coalesce(sum(amount::numeric), 0)
    FROM payment_queue WHERE status = 'completed'")
read -r receiver_after minted_after < <(balances)
ask '{"id":"summary","cmd":"stats"}' | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())["result"]
completed, p50, p99, per_minute, paid = sys.argv[1].split("|")
received, minted = int(sys.argv[3]) - int(sys.argv[2]), int(sys.argv[5]) - int(sys.argv[4])
counts, mints = r.get("counts", {}), r.get("mint_counts", {})
rows = [("payments " + s, counts.get(s, 0)) for s in ["pending", "processing", "sent", "completed", "failed", "confirmation_failed"]]
rows += [("mint jobs completed", mints.get("completed", 0)), ("mint jobs failed", mints.get("failed", 0))]
print("  %-34s%14s" % ("", "count"))
for name, n in rows:
    print("  %-34s%14d" % (name, n))
print("  %-34s%11s ms" % ("pay -> completed p50", p50))
print("  %-34s%11s ms" % ("pay -> completed p99", p99))
print("  %-34s%14s" % ("payments/min (first pay to last)", per_minute))
print("on-chain:")
print("  %-34s%14.6f USDC (ledger: %.6f)" % ("receiver received", received / 1e6, int(paid) / 1e6))
print("  %-34s%14.1f tokens (18 decimals)" % ("buyers were minted", minted / 1e18))
if received != int(paid):
    sys.exit("the receiver'\''s balance does not match the completed payments")
if int(completed) > 0 and minted <= 0:
    sys.exit("payments completed but nothing was minted")
' "$timing" "$receiver_before" "$receiver_after" "$minted_before" "$minted_after"

echo "== where to look next$( [[ "$keep" == 1 ]] || echo ' (KEEP=1 leaves all this running)')" >&2
echo "  echo stats | socat - UNIX-CONNECT:$socket" >&2
echo "  $bin/payctl --socket $socket watch" >&2
echo "  $bin/paymentd-health --socket $socket   (now:)" >&2
"$bin/paymentd-health" --socket "$socket" || true

if [[ "$keep" == 1 ]]; then exit 0; fi
echo "== stopping paymentd (the stop command)" >&2
ask stop
wait "$paymentd_pid"
echo "paymentd exited with status $?" >&2
