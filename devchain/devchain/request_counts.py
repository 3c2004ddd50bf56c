"""Counts of the JSON-RPC traffic the node served, for benchmarks: RPC requests per payment.

Control methods (`anvil_*`, `evm_*`, `devchain_*`, `miner_*`, `hardhat_*`) are left out, as
fault injection leaves them out, so reading the counters does not change them and a
benchmark's own mining or status calls do not count as its subject's traffic.
"""

import threading

from .faults import CONTROL_PREFIXES


class RequestCounts:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._http_requests = 0
        self._calls = 0
        self._methods = {}

    def record(self, methods) -> None:
        """Called once per HTTP request with the method names it carries (a batch: several)."""
        counted = [str(m) for m in methods if not str(m).startswith(CONTROL_PREFIXES)]
        if not counted:
            return
        with self._lock:
            self._http_requests += 1
            self._calls += len(counted)
            for name in counted:
                self._methods[name] = self._methods.get(name, 0) + 1

    def snapshot(self, reset=False) -> dict:
        """`devchain_requestCounts([reset])`: HTTP requests, JSON-RPC calls (a batch of n counts
        n) and calls per method since start or the last reset; `reset` true zeroes them after."""
        with self._lock:
            answer = {"httpRequests": self._http_requests, "calls": self._calls, "methods": dict(sorted(self._methods.items()))}
            if reset:
                self._http_requests = 0
                self._calls = 0
                self._methods = {}
            return answer
