"""The benchmark's peer: the official x402 Python SDK's own facilitator settling x402 payments.

paymentd-bench compares paymentd's settlement throughput with what a user would otherwise run:
the SDK's in-process facilitator (PyPI `x402`), with its own exact-EVM scheme and its own web3
signer, one relayer key, verify then settle for every payment. Nothing of ours sits in that path;
this script only feeds it payloads, counts its answers and times them.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from pydantic import ValidationError
from x402 import x402FacilitatorSync
from x402.mechanisms.evm import FacilitatorWeb3Signer
from x402.mechanisms.evm.exact import register_exact_evm_facilitator
from x402.schemas import PaymentPayload, PaymentRequirements

EXIT_BAD_INPUT = 2
EXIT_NO_CHAIN = 1
PROGRESS_SECONDS = 5.0
AUTHORIZATION_FIELDS = ("from", "to", "value", "validAfter", "validBefore", "nonce")

DESCRIPTION = """\
The official x402 Python SDK's own facilitator (x402FacilitatorSync with
register_exact_evm_facilitator and FacilitatorWeb3Signer) settling x402 v2 "exact" EIP-3009
payments on an EVM chain: the peer paymentd-bench compares paymentd with.

Every payload is verified (fac.verify, which simulates the transfer) and, if valid, settled
(fac.settle: one transferWithAuthorization transaction from the facilitator key, then the wait
for its receipt). With --threads 1 payloads are handled one at a time; with N > 1 a pool of N
threads shares the ONE facilitator and signer, as a user's multi-threaded server would (the SDK
hands out the signer's nonces under a lock).

Progress goes to stderr every 5 s. At the end exactly one JSON line goes to stdout:
  {"threads": N, "total": n, "settled": n, "failed": n,
   "seconds": s, "per_minute": settled / seconds * 60,
   "failures": {"<invalidReason | errorReason | exception class>": count},
   "settle_p50_ms": ms, "settle_p99_ms": ms}
seconds runs from the first verify to the last answer. Latencies are those of fac.settle for
the payments that settled (nearest rank; null when none did). A payment verify rejects counts as
failed under its invalidReason, one whose settle answers success=false under its errorReason,
one whose verify or settle raises under the exception's class name.

Exit status: 0 when the run completed (even if some or all settles failed: the JSON says so),
2 on bad input (message on stderr), 1 when the RPC endpoint cannot be reached or serves another
chain.
"""

INPUT_FORMAT = """\
input file (--input), JSON:
  {"rpc_url": "http://127.0.0.1:8545",
   "chain_id": 31337,
   "facilitator_private_key": "0x<64 hex>",      # pays the gas; needs ETH
   "requirements": {"scheme": "exact", "network": "eip155:31337", "asset": "0x<token>",
                    "amount": "10000", "payTo": "0x<recipient>", "maxTimeoutSeconds": 300,
                    "extra": {"name": "USD Coin", "version": "2"}},
   "payloads": [{"x402Version": 2, "accepted": <requirements>,
                 "payload": {"signature": "0x<65 bytes>",
                             "authorization": {"from": "0x..", "to": "0x..", "value": "10000",
                                               "validAfter": "0", "validBefore": "1767225600",
                                               "nonce": "0x<32 bytes>"}}}, ...]}
requirements and payloads are x402 v2 PaymentRequirements / PaymentPayload objects as they
travel on the wire (camelCase); they are parsed with the SDK's own pydantic models.
"""


class BadInput(Exception):
    """The input file is not what the interface promises; the message says what is wrong."""


@dataclass
class RunInput:
    rpc_url: str
    chain_id: int
    private_key: str
    requirements: PaymentRequirements
    payloads: list[PaymentPayload]


def load_input(path: str) -> RunInput:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from error
    except json.JSONDecodeError as error:
        raise BadInput(f"{path} is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise BadInput("the input must be a JSON object")

    def required(key: str, kind: type, what: str):
        value = document.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise BadInput(f'"{key}" must be {what}')
        return value

    rpc_url = required("rpc_url", str, "a string (the chain's JSON-RPC URL)")
    chain_id = required("chain_id", int, "an integer")
    private_key = required("facilitator_private_key", str, 'a hex string ("0x" and 64 hex digits)')
    raw_requirements = required("requirements", dict, "an x402 v2 PaymentRequirements object")
    raw_payloads = required("payloads", list, "a list of x402 v2 PaymentPayload objects")

    if not rpc_url.startswith(("http://", "https://")):
        raise BadInput(f'"rpc_url" must be an http(s) URL, not {rpc_url!r}')
    if chain_id <= 0:
        raise BadInput('"chain_id" must be positive')
    digits = private_key[2:] if private_key.startswith("0x") else private_key
    if len(digits) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise BadInput('"facilitator_private_key" must be 32 bytes of hex')

    try:
        requirements = PaymentRequirements.model_validate(raw_requirements)
    except ValidationError as error:
        raise BadInput(f'"requirements" is not an x402 v2 PaymentRequirements: {error}') from error
    network = f"eip155:{chain_id}"
    if requirements.scheme != "exact":
        raise BadInput(f'requirements.scheme must be "exact", not {requirements.scheme!r}')
    if requirements.network != network:
        raise BadInput(f"requirements.network is {requirements.network!r}; chain_id {chain_id} means {network!r}")

    if not raw_payloads:
        raise BadInput('"payloads" is empty: nothing to settle')
    payloads = []
    for index, raw in enumerate(raw_payloads):
        if not isinstance(raw, dict):
            raise BadInput(f"payloads[{index}] is not an object")
        if raw.get("x402Version") != 2:
            raise BadInput(f"payloads[{index}].x402Version must be 2, not {raw.get('x402Version')!r}")
        try:
            payload = PaymentPayload.model_validate(raw)
        except ValidationError as error:
            raise BadInput(f"payloads[{index}] is not an x402 v2 PaymentPayload: {error}") from error
        inner = payload.payload
        authorization = inner.get("authorization")
        if not isinstance(inner.get("signature"), str) or not isinstance(authorization, dict):
            raise BadInput(f"payloads[{index}].payload needs a signature string and an authorization object")
        missing = [name for name in AUTHORIZATION_FIELDS if not isinstance(authorization.get(name), str)]
        if missing:
            raise BadInput(f"payloads[{index}].payload.authorization lacks string fields: {', '.join(missing)}")
        payloads.append(payload)
    return RunInput(rpc_url, chain_id, private_key, requirements, payloads)


@dataclass
class Tally:
    """Answers so far, shared by the workers and the progress reporter."""

    total: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    settled: int = 0
    failed: int = 0
    failures: Counter = field(default_factory=Counter)
    settle_ms: list[float] = field(default_factory=list)
    last_answer: float = 0.0

    def success(self, milliseconds: float) -> None:
        with self.lock:
            self.settled += 1
            self.settle_ms.append(milliseconds)
            self.last_answer = max(self.last_answer, time.monotonic())

    def failure(self, reason: str) -> None:
        with self.lock:
            self.failed += 1
            self.failures[reason] += 1
            self.last_answer = max(self.last_answer, time.monotonic())


def settle_one(facilitator: x402FacilitatorSync, payload: PaymentPayload,
               requirements: PaymentRequirements, tally: Tally) -> None:
    """verify, then settle if valid; every outcome ends up in the tally exactly once."""
    try:
        verified = facilitator.verify(payload, requirements)
    except Exception as error:  # the SDK raises for unroutable payloads, RPC failures and the like
        tally.failure(type(error).__name__)
        return
    if not verified.is_valid:
        tally.failure(verified.invalid_reason or "verify_invalid_without_reason")
        return
    started = time.monotonic()
    try:
        settled = facilitator.settle(payload, requirements)
    except Exception as error:
        tally.failure(type(error).__name__)
        return
    if settled.success:
        tally.success((time.monotonic() - started) * 1000)
    else:
        tally.failure(settled.error_reason or "settle_failed_without_reason")


def nearest_rank(sorted_samples: list[float], quantile: float) -> float | None:
    """paymentd-bench's percentile: the sample at index ceil(q * n) - 1."""
    if not sorted_samples:
        return None
    index = math.ceil(quantile * len(sorted_samples)) - 1
    return sorted_samples[max(0, min(len(sorted_samples) - 1, index))]


def report_progress(tally: Tally, started: float, stop: threading.Event) -> None:
    while not stop.wait(PROGRESS_SECONDS):
        with tally.lock:
            settled, failed = tally.settled, tally.failed
        elapsed = time.monotonic() - started
        print(f"peer: {settled} settled, {failed} failed of {tally.total} after {elapsed:.1f} s "
              f"({settled / elapsed * 60:.0f} settled/min)", file=sys.stderr, flush=True)


def run(job: RunInput, threads: int, confirmation_timeout: float) -> dict:
    network = f"eip155:{job.chain_id}"
    signer = FacilitatorWeb3Signer(private_key=job.private_key, rpc_url=job.rpc_url,
                                   confirmation_timeout_seconds=confirmation_timeout)
    facilitator = x402FacilitatorSync()
    register_exact_evm_facilitator(facilitator, signer, networks=network)

    tally = Tally(total=len(job.payloads))
    started = time.monotonic()
    tally.last_answer = started
    stop = threading.Event()
    reporter = threading.Thread(target=report_progress, args=(tally, started, stop), daemon=True)
    reporter.start()
    try:
        if threads == 1:
            for payload in job.payloads:
                settle_one(facilitator, payload, job.requirements, tally)
        else:
            with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="peer") as pool:
                for future in [pool.submit(settle_one, facilitator, p, job.requirements, tally) for p in job.payloads]:
                    future.result()  # settle_one catches everything; this only surfaces a bug here
    finally:
        stop.set()
        reporter.join()

    seconds = tally.last_answer - started
    latencies = sorted(tally.settle_ms)
    p50, p99 = nearest_rank(latencies, 0.50), nearest_rank(latencies, 0.99)
    return {
        "threads": threads,
        "total": tally.total,
        "settled": tally.settled,
        "failed": tally.failed,
        "seconds": round(seconds, 3),
        "per_minute": round(tally.settled / seconds * 60, 1) if seconds > 0 else 0.0,
        "failures": dict(sorted(tally.failures.items())),
        "settle_p50_ms": round(p50, 1) if p50 is not None else None,
        "settle_p99_ms": round(p99, 1) if p99 is not None else None,
    }


def check_chain(job: RunInput, confirmation_timeout: float) -> str | None:
    """Before timing anything: is the RPC there, and is it the chain the input names?"""
    probe = FacilitatorWeb3Signer(private_key=job.private_key, rpc_url=job.rpc_url,
                                  confirmation_timeout_seconds=confirmation_timeout)
    try:
        served = probe.get_chain_id()
    except Exception as error:
        return f"cannot reach {job.rpc_url}: {type(error).__name__}: {error}"
    if served != job.chain_id:
        return f"{job.rpc_url} serves chain {served}, the input says {job.chain_id}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="facilitator_peer.py", description=DESCRIPTION, epilog=INPUT_FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True, metavar="FILE", help="the run's JSON (format below)")
    parser.add_argument("--threads", required=True, type=int, metavar="N",
                        help="1: one payment at a time; N > 1: a pool of N threads sharing one facilitator")
    parser.add_argument("--confirmation-timeout", type=float, default=60.0, metavar="SECONDS",
                        help="the signer's confirmation_timeout_seconds: how long settle waits for a "
                             "receipt before answering settlement_pending (default 60)")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if not args.confirmation_timeout > 0:
        parser.error("--confirmation-timeout must be positive")

    try:
        job = load_input(args.input)
    except BadInput as error:
        print(f"facilitator_peer.py: bad input: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    problem = check_chain(job, args.confirmation_timeout)
    if problem:
        print(f"facilitator_peer.py: {problem}", file=sys.stderr)
        return EXIT_NO_CHAIN

    # Exactly one line may reach stdout: whatever else prints during the run goes to stderr.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        result = run(job, args.threads, args.confirmation_timeout)
    finally:
        sys.stdout = real_stdout
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
