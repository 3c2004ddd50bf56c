"""JSON-RPC 2.0 dispatch: single calls and batch arrays, method table, error mapping."""

import json
import logging

from .rpc_control import ControlMethods
from .rpc_errors import INTERNAL_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RpcError, invalid_params
from .request_counts import RequestCounts
from .rpc_eth import EthMethods

log = logging.getLogger("devchain.rpc")


class Dispatcher:
    def __init__(self, node, miner, faults) -> None:
        self.counts = RequestCounts()
        self.methods = {
            **EthMethods(node).table(),
            **ControlMethods(node, miner, faults).table(),
            "devchain_requestCounts": lambda reset=False: self.counts.snapshot(bool(reset)),
        }

    @staticmethod
    def parse(body: bytes):
        """Returns the decoded request (object or list) or raises RpcError(PARSE_ERROR)."""
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise RpcError(PARSE_ERROR, "parse error") from None

    @staticmethod
    def method_names(request) -> list:
        calls = request if isinstance(request, list) else [request]
        return [c.get("method") for c in calls if isinstance(c, dict)]

    def handle(self, request):
        """Answer a decoded request: a response object, a list of them, or None (notifications only)."""
        if isinstance(request, list):
            if not request:
                return error_response(None, RpcError(INVALID_REQUEST, "empty batch"))
            responses = [self.handle_one(call) for call in request]
            return [r for r in responses if r is not None] or None
        return self.handle_one(request)

    def handle_one(self, call):
        if not isinstance(call, dict) or not isinstance(call.get("method"), str):
            return error_response(None, RpcError(INVALID_REQUEST, "invalid request"))
        call_id = call.get("id")
        is_notification = "id" not in call
        method = self.methods.get(call["method"])
        try:
            if method is None:
                raise RpcError(METHOD_NOT_FOUND, f"the method {call['method']} does not exist/is not available")
            params = call.get("params", [])
            if isinstance(params, dict):
                params = [params]
            if not isinstance(params, list):
                raise invalid_params("params must be an array")
            try:
                result = method(*params)
            except TypeError as exc:
                if "positional argument" in str(exc) or "takes" in str(exc):
                    raise invalid_params(f"wrong number of params for {call['method']}") from None
                raise
        except RpcError as exc:
            return None if is_notification else error_response(call_id, exc)
        except Exception as exc:  # a bug or an unexpected py-evm error: report, keep serving
            log.exception("internal error in %s", call["method"])
            return None if is_notification else error_response(call_id, RpcError(INTERNAL_ERROR, f"internal error: {exc}"))
        return None if is_notification else {"jsonrpc": "2.0", "id": call_id, "result": result}


def error_response(call_id, error: RpcError) -> dict:
    return {"jsonrpc": "2.0", "id": call_id, "error": error.as_json()}
