"""JSON-RPC over HTTP/1.1 with keep-alive, Nagle off, and injected faults.

One thread per connection (ThreadingHTTPServer). Without TCP_NODELAY every
keep-alive response waits ~40 ms for a delayed ACK, hence `disable_nagle_algorithm`.
"""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .rpc import error_response
from .rpc_errors import INTERNAL_ERROR, RpcError

log = logging.getLogger("devchain.http")

MAX_BODY_BYTES = 32 * 1024 * 1024


class RpcHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, dispatcher, faults) -> None:
        self.dispatcher = dispatcher
        self.faults = faults
        super().__init__(address, _RpcHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="rpc-http", daemon=True)
        thread.start()
        return thread


class _RpcHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "devchain"

    def log_message(self, fmt, *args) -> None:  # access logs would swamp stderr
        pass

    def do_GET(self) -> None:
        self._send(200, {"status": "ok", "service": "devchain"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(413, error_response(None, RpcError(-32600, "request too large")))
            self.close_connection = True
            return
        body = self.rfile.read(length)
        dispatcher = self.server.dispatcher
        try:
            request = dispatcher.parse(body)
        except RpcError as exc:
            self._send(200, error_response(None, exc))
            return
        methods = dispatcher.method_names(request)
        dispatcher.counts.record(methods)
        decision = self.server.faults.decide(methods)
        if decision.latency_ms:
            time.sleep(decision.latency_ms / 1000)
        if decision.fail_mode == "drop":
            self.close_connection = True
            return
        if decision.fail_mode == "http503":
            self._send(503, error_response(None, RpcError(INTERNAL_ERROR, "devchain: injected failure")))
            return
        if decision.fail_mode == "rpc-error":
            self._send(200, _injected_errors(request))
            return
        response = dispatcher.handle(request)
        if decision.fail_mode == "after":
            self._send(503, error_response(None, RpcError(INTERNAL_ERROR, "devchain: injected failure after processing")))
            return
        self._send(200, response)

    def _send(self, status: int, payload) -> None:
        body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _injected_errors(request):
    error = RpcError(INTERNAL_ERROR, "devchain: injected failure")
    if isinstance(request, list):
        return [error_response(c.get("id") if isinstance(c, dict) else None, error) for c in request]
    return error_response(request.get("id") if isinstance(request, dict) else None, error)
