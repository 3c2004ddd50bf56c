"""Request-level fault injection for the HTTP server: fail the next N requests, add latency.

Only requests that contain at least one non-control method are affected (and
counted); control methods (`anvil_*`, `evm_*`, `devchain_*`, `miner_*`,
`hardhat_*`) always go through, so a test can always switch faults off again.
"""

import threading
from dataclasses import dataclass

CONTROL_PREFIXES = ("anvil_", "evm_", "devchain_", "miner_", "hardhat_")

# How an injected failure looks to the client:
FAIL_MODES = (
    "http503",  # HTTP 503 with a JSON-RPC error body; the request is NOT processed
    "rpc-error",  # HTTP 200, every call answered with error -32603; NOT processed
    "after",  # the request IS processed, then HTTP 503 is returned (lost response)
    "drop",  # the connection is closed without any response; NOT processed
)


@dataclass(frozen=True)
class FaultDecision:
    latency_ms: int
    fail_mode: str  # "" for no failure


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fail_remaining = 0
        self._fail_mode = "http503"
        self._fail_methods = frozenset()
        self._latency_ms = 0

    def fail_next(self, count: int, mode: str = "http503", methods=()) -> None:
        """Fail the next `count` requests; with `methods`, only requests carrying one of them
        (others pass and are not counted), so a test can hit one call of a busy client."""
        if mode not in FAIL_MODES:
            raise ValueError(f"unknown failure mode {mode!r}; one of {', '.join(FAIL_MODES)}")
        with self._lock:
            self._fail_remaining = max(0, count)
            self._fail_mode = mode
            self._fail_methods = frozenset(str(m) for m in methods)

    def set_latency(self, ms: int) -> None:
        with self._lock:
            self._latency_ms = max(0, ms)

    def status(self) -> dict:
        with self._lock:
            return {
                "failNextRequests": self._fail_remaining,
                "failMode": self._fail_mode,
                "failMethods": sorted(self._fail_methods),
                "latencyMs": self._latency_ms,
            }

    def decide(self, methods) -> FaultDecision:
        """Called once per HTTP request with the method names it carries."""
        if methods and all(str(m).startswith(CONTROL_PREFIXES) for m in methods):
            return FaultDecision(0, "")
        with self._lock:
            mode = ""
            targeted = not self._fail_methods or any(str(m) in self._fail_methods for m in methods)
            if self._fail_remaining > 0 and targeted:
                self._fail_remaining -= 1
                mode = self._fail_mode
            return FaultDecision(self._latency_ms, mode)
