"""`python -m devchain bench`: what the node costs paymentd, measured over HTTP.

The node runs as its own process (`serve`), as in real use; this process signs
everything up front with eth-account, then only sends and polls, so signing cost
is not measured. Modes (`--modes`, default all; see README "Performance"):

- ingest:   eth_sendRawTransaction of pre-signed transferWithAuthorization txs from
            4 keep-alive connections (one relayer wallet each), mining off; then
            `evm_mine` until the pool is empty (block building alone).
- mined:    a node mining every 1000 ms; send `--txs` txs, wait for every receipt,
            while a probe asks eth_blockNumber / eth_getTransactionReceipt every
            5 ms (RPC latency while full blocks are being built).
- simmined: as `mined`, but each group of up to 200 txs is first simulated with a
            batch of eth_calls, as paymentd does before signing.
- calls:    one JSON-RPC batch of `--calls` eth_call simulations of distinct
            transferWithAuthorizations (paymentd's pre-signing check).
- views:    one batch of `--views` authorizationState eth_calls (paymentd's enqueue check).
- estimate: eth_estimateGas of a `--mint-batch`-item batchMint from the minter.

Each of calls/views/estimate is repeated `--repeat` times; the median is reported.
"""

import http.client
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

CONNECTIONS = 4
MODES = ("ingest", "mined", "simmined", "calls", "views", "estimate")
SIMULATION_BATCH = 200  # paymentd's largest eth_call batch


class _Client:
    def __init__(self, url: str) -> None:
        u = urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)

    def post(self, payload):
        self.conn.request("POST", "/", json.dumps(payload), {"Content-Type": "application/json"})
        return json.loads(self.conn.getresponse().read())

    def call(self, method, *params):
        reply = self.post({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def batch(self, calls):
        """[(method, params)] → results in order; raises on any error."""
        replies = self.post([{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)])
        replies.sort(key=lambda r: r["id"])
        for reply in replies:
            if "error" in reply:
                raise RuntimeError(f"{calls[reply['id']][0]}: {reply['error']}")
        return [r["result"] for r in replies]


def _helpers():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import helpers

    return helpers


def _start_node(block_ms: int, signers: int):
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-m", "devchain", "serve", "--block-ms", str(block_ms), "--signers", str(signers),
         "--buyers", "8", "--log-level", "WARNING"],
        cwd=root, stdout=subprocess.PIPE, text=True,
    )
    return proc, json.loads(proc.stdout.readline())


def _authorizations(info, count: int):
    helpers = _helpers()
    valid_before = int(time.time()) + 3600
    out = []
    for n in range(count):
        buyer = info["buyers"][n % len(info["buyers"])]
        out.append(helpers.sign_authorization(
            buyer["private_key"], token=info["usdc"], chain_id=info["chain_id"], name=info["usdc_name"],
            to=info["receiver"], value=1, valid_after=0, valid_before=valid_before, nonce=secrets.token_bytes(32),
        ))
    return out


def _sign_batches(info, count: int):
    """Per relayer wallet, a list of (raw tx, tx hash, twa calldata hex), pre-signed."""
    from eth_account import Account

    helpers = _helpers()
    batches = [[] for _ in info["signers"]]
    nonces = [0] * len(info["signers"])
    client = _Client(info["rpc_url"])
    for i, signer in enumerate(info["signers"]):
        nonces[i] = int(client.call("eth_getTransactionCount", signer["address"], "pending"), 16)
    for n, auth in enumerate(_authorizations(info, count)):
        lane = n % len(batches)
        payload = helpers.twa_calldata(auth)
        tx = {
            "chainId": info["chain_id"], "nonce": nonces[lane], "to": info["usdc"], "value": 0,
            "gas": 120_000, "maxFeePerGas": 50 * 10**9, "maxPriorityFeePerGas": 10**9,
            "data": payload, "type": 2,
        }
        nonces[lane] += 1
        signed = Account.sign_transaction(tx, info["signers"][lane]["private_key"])
        batches[lane].append(("0x" + bytes(signed.raw_transaction).hex(), "0x" + bytes(signed.hash).hex(),
                              "0x" + payload.hex()))
    return batches


def _send_all(url: str, batches, info=None, simulate: bool = False) -> tuple:
    """Send every batch on its own connection; returns (elapsed seconds, per-call latencies).

    With `simulate`, each lane first eth_calls its next (up to) 200 txs in one batch."""
    latencies = []
    lock = threading.Lock()
    per_lane = max(1, SIMULATION_BATCH // len(batches))

    def lane(index, batch):
        client = _Client(url)
        sender = info["signers"][index]["address"] if info else None
        mine = []
        for start in range(0, len(batch), per_lane if simulate else len(batch) or 1):
            group = batch[start:start + (per_lane if simulate else len(batch))]
            if simulate:
                client.batch([("eth_call", [{"from": sender, "to": info["usdc"], "data": payload}, "latest"])
                              for _, _, payload in group])
            for raw, _, _ in group:
                t = time.perf_counter()
                client.call("eth_sendRawTransaction", raw)
                mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=lane, args=(i, b)) for i, b in enumerate(batches)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, sorted(latencies)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _wait_for_receipts(client, hashes, timeout=600) -> None:
    deadline = time.time() + timeout
    for tx_hash in hashes:
        while True:
            receipt = client.call("eth_getTransactionReceipt", tx_hash)
            if receipt is not None:
                if receipt["status"] != "0x1":
                    raise RuntimeError(f"{tx_hash} reverted")
                break
            if time.time() > deadline:
                raise RuntimeError("timed out waiting for receipts")
            time.sleep(0.05)


class _LatencyProbe:
    """Asks eth_blockNumber and a receipt alternately every 5 ms on its own connection."""

    def __init__(self, url: str, tx_hash: str) -> None:
        self._client = _Client(url)
        self._tx_hash = tx_hash
        self._stop = threading.Event()
        self.samples = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _run(self):
        n = 0
        while not self._stop.is_set():
            t = time.perf_counter()
            if n % 2:
                self._client.call("eth_getTransactionReceipt", self._tx_hash)
            else:
                self._client.call("eth_blockNumber")
            self.samples.append(time.perf_counter() - t)
            n += 1
            self._stop.wait(0.005)


def _percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def _ms(seconds) -> float:
    return round(1000 * seconds, 2)


def _median_time(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        action()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _bench_ingest(count, results):
    proc, info = _start_node(0, CONNECTIONS)
    try:
        batches = _sign_batches(info, count)
        cpu_before = _cpu_seconds(proc.pid)
        elapsed, latencies = _send_all(info["rpc_url"], batches)
        results["ingest_tx_per_s"] = round(count / elapsed)
        results["node_cpu_us_per_send"] = round(1e6 * (_cpu_seconds(proc.pid) - cpu_before) / count)
        results["send_p50_ms"] = _ms(_percentile(latencies, 0.5))
        results["send_p99_ms"] = _ms(_percentile(latencies, 0.99))
        client = _Client(info["rpc_url"])
        started = time.perf_counter()
        blocks = 0
        while int(client.call("txpool_status")["pending"], 16):
            client.call("evm_mine")
            blocks += 1
        build = time.perf_counter() - started
        results["block_build_twa_per_s"] = round(count / build)
        results["blocks"] = blocks
        last = [h for b in batches for _, h, _ in b[-1:]]
        _wait_for_receipts(client, last)
        results["gas_per_twa"] = int(client.call("eth_getTransactionReceipt", last[0])["gasUsed"], 16)
    finally:
        proc.terminate()
        proc.wait()


def _bench_mined(count, results, simulate: bool):
    prefix = "simmined" if simulate else "mined"
    proc, info = _start_node(1000, CONNECTIONS)
    try:
        batches = _sign_batches(info, count)
        client = _Client(info["rpc_url"])
        cpu_before = _cpu_seconds(proc.pid)
        started = time.perf_counter()
        with _LatencyProbe(info["rpc_url"], batches[0][0][1]) as probe:
            _send_all(info["rpc_url"], batches, info, simulate)
            _wait_for_receipts(client, [h for b in batches for _, h, _ in b])
        elapsed = time.perf_counter() - started
        key = "mined_twa_per_s_end_to_end" if not simulate else "simmined_twa_per_s_end_to_end"
        results[key] = round(count / elapsed)
        results[f"{prefix}_node_cpu_ms_per_tx"] = round(1e3 * (_cpu_seconds(proc.pid) - cpu_before) / count, 2)
        samples = sorted(probe.samples)
        results[f"{prefix}_rpc_latency_p50_ms"] = _ms(_percentile(samples, 0.5))
        results[f"{prefix}_rpc_latency_p99_ms"] = _ms(_percentile(samples, 0.99))
        results[f"{prefix}_rpc_latency_max_ms"] = _ms(samples[-1])
    finally:
        proc.terminate()
        proc.wait()


def _bench_reads(args, modes, results):
    proc, info = _start_node(0, CONNECTIONS)
    try:
        helpers = _helpers()
        client = _Client(info["rpc_url"])
        signer = info["signers"][0]["address"]
        if "calls" in modes:
            calls = [("eth_call", [{"from": signer, "to": info["usdc"], "data": "0x" + helpers.twa_calldata(a).hex()},
                                   "latest"]) for a in _authorizations(info, args.calls)]
            assert client.batch(calls[:1])  # warm the connection
            seconds = _median_time(args.repeat, lambda: client.batch(calls))
            results["calls_batch_s"] = round(seconds, 3)
            results["calls_ms_each"] = _ms(seconds / args.calls)
        if "views" in modes:
            views = []
            for n in range(args.views):
                buyer = info["buyers"][n % len(info["buyers"])]["address"]
                data = helpers.calldata("authorizationState(address,bytes32)", buyer, secrets.token_bytes(32))
                views.append(("eth_call", [{"to": info["usdc"], "data": "0x" + data.hex()}, "latest"]))
            seconds = _median_time(args.repeat, lambda: client.batch(views))
            results["views_batch_s"] = round(seconds, 3)
            results["views_ms_each"] = _ms(seconds / args.views)
        if "estimate" in modes:
            n = args.mint_batch
            receivers = [b["address"] for b in (info["buyers"] * n)[:n]]
            data = helpers.calldata("batchMint(address[],bytes32[])", receivers, [secrets.token_bytes(32) for _ in range(n)])
            tx = {"from": info["minter"]["address"], "to": info["mint_token"], "data": "0x" + data.hex()}
            gas = []
            seconds = _median_time(args.repeat, lambda: gas.append(client.call("eth_estimateGas", tx, "latest")))
            results["estimate_batchmint_items"] = n
            results["estimate_batchmint_gas"] = int(gas[0], 16)
            results["estimate_batchmint_s"] = round(seconds, 3)
    finally:
        proc.terminate()
        proc.wait()


def _calibration_ms() -> float:
    """Wall time of a fixed pure-Python loop (best of 3): how fast this machine is right now.

    ~40 ms on an idle core of the development machine; several times that when it is busy."""
    best = None
    for _ in range(3):
        t = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    return round(1000 * best, 1)


def run_bench(args) -> int:
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        print(f"unknown modes: {', '.join(unknown)} (known: {', '.join(MODES)})", file=sys.stderr)
        return 2
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    results = {"machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
               "load_1m_at_start": round(load, 2), "calibration_loop_ms": _calibration_ms(),
               "txs": args.txs, "repeat": args.repeat}
    if "ingest" in modes:
        _bench_ingest(args.txs, results)
    if "mined" in modes:
        _bench_mined(args.txs, results, simulate=False)
    if "simmined" in modes:
        _bench_mined(args.txs, results, simulate=True)
    if {"calls", "views", "estimate"} & set(modes):
        _bench_reads(args, modes, results)
    results["load_1m_at_end"] = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else 0.0
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:36} {value}")
    return 0
