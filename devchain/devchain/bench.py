"""`python -m devchain bench`: ingest and mined transferWithAuthorization rates over HTTP.

The node runs as its own process (`serve`), as in real use; this process signs
everything up front with eth-account, then only sends and polls, so signing cost
is not measured.

1. ingest: eth_sendRawTransaction of pre-signed transferWithAuthorization txs
   from 4 keep-alive connections (one relayer wallet each), mining off.
2. block building: `anvil_mine` until the pool from step 1 is empty.
3. end to end: a node mining every 1000 ms; send N txs, wait for every receipt.
"""

import http.client
import json
import os
import platform
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

CONNECTIONS = 4
TWA = "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"


class _Client:
    def __init__(self, url: str) -> None:
        u = urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        self.conn.request("POST", "/", body, {"Content-Type": "application/json"})
        reply = json.loads(self.conn.getresponse().read())
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]


def _start_node(block_ms: int, signers: int):
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-m", "devchain", "serve", "--block-ms", str(block_ms), "--signers", str(signers),
         "--buyers", "8", "--log-level", "WARNING"],
        cwd=root, stdout=subprocess.PIPE, text=True,
    )
    return proc, json.loads(proc.stdout.readline())


def _sign_batches(info, count: int):
    """Per relayer wallet, a list of raw transferWithAuthorization txs (pre-signed)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from eth_account import Account
    from helpers import sign_authorization, twa_calldata

    batches = [[] for _ in info["signers"]]
    nonces = [0] * len(info["signers"])
    client = _Client(info["rpc_url"])
    for i, signer in enumerate(info["signers"]):
        nonces[i] = int(client.call("eth_getTransactionCount", signer["address"], "pending"), 16)
    valid_before = int(time.time()) + 3600
    for n in range(count):
        lane = n % len(batches)
        buyer = info["buyers"][n % len(info["buyers"])]
        auth = sign_authorization(
            buyer["private_key"], token=info["usdc"], chain_id=info["chain_id"], name=info["usdc_name"],
            to=info["receiver"], value=1, valid_after=0, valid_before=valid_before, nonce=secrets.token_bytes(32),
        )
        tx = {
            "chainId": info["chain_id"], "nonce": nonces[lane], "to": info["usdc"], "value": 0,
            "gas": 120_000, "maxFeePerGas": 50 * 10**9, "maxPriorityFeePerGas": 10**9,
            "data": twa_calldata(auth), "type": 2,
        }
        nonces[lane] += 1
        signed = Account.sign_transaction(tx, info["signers"][lane]["private_key"])
        batches[lane].append(("0x" + bytes(signed.raw_transaction).hex(), "0x" + bytes(signed.hash).hex()))
    return batches


def _send_all(url: str, batches) -> tuple:
    """Send every batch on its own connection; returns (elapsed seconds, per-call latencies)."""
    latencies = []
    lock = threading.Lock()

    def lane(batch):
        client = _Client(url)
        mine = []
        for raw, _ in batch:
            t = time.perf_counter()
            client.call("eth_sendRawTransaction", raw)
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=lane, args=(b,)) for b in batches]
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


def run_bench(args) -> int:
    count = args.txs
    results = {"machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
               "txs": count}

    proc, info = _start_node(0, CONNECTIONS)
    try:
        batches = _sign_batches(info, count)
        cpu_before = _cpu_seconds(proc.pid)
        elapsed, latencies = _send_all(info["rpc_url"], batches)
        results["ingest_tx_per_s"] = round(count / elapsed)
        results["node_cpu_us_per_send"] = round(1e6 * (_cpu_seconds(proc.pid) - cpu_before) / count)
        results["send_p50_ms"] = round(1000 * latencies[len(latencies) // 2], 2)
        results["send_p99_ms"] = round(1000 * latencies[int(len(latencies) * 0.99)], 2)
        client = _Client(info["rpc_url"])
        started = time.perf_counter()
        blocks = 0
        while int(client.call("txpool_status")["pending"], 16):
            client.call("evm_mine")
            blocks += 1
        build = time.perf_counter() - started
        results["block_build_twa_per_s"] = round(count / build)
        results["blocks"] = blocks
        last = [h for b in batches for _, h in b[-1:]]
        _wait_for_receipts(client, last)
        results["gas_per_twa"] = int(client.call("eth_getTransactionReceipt", last[0])["gasUsed"], 16)
    finally:
        proc.terminate()
        proc.wait()

    proc, info = _start_node(1000, CONNECTIONS)
    try:
        batches = _sign_batches(info, count)
        client = _Client(info["rpc_url"])
        started = time.perf_counter()
        _send_all(info["rpc_url"], batches)
        _wait_for_receipts(client, [h for b in batches for _, h in b])
        results["mined_twa_per_s_end_to_end"] = round(count / (time.perf_counter() - started))
    finally:
        proc.terminate()
        proc.wait()

    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:32} {value}")
    return 0
