"""JSON-RPC errors with geth's codes and message strings."""

# Standard JSON-RPC codes
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
# geth: transaction pool and execution errors
SERVER_ERROR = -32000
# geth: eth_call / eth_estimateGas revert, with the revert data in `data`
EXECUTION_REVERTED = 3


class RpcError(Exception):
    """An error to send back as a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def as_json(self) -> dict:
        err = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


def pool_error(message: str) -> RpcError:
    """A transaction the pool refuses (geth uses -32000 and a fixed sentence)."""
    return RpcError(SERVER_ERROR, message)


def invalid_params(message: str) -> RpcError:
    return RpcError(INVALID_PARAMS, message)


def reverted(revert_data: bytes, reason: str = "") -> RpcError:
    message = "execution reverted" + (f": {reason}" if reason else "")
    return RpcError(EXECUTION_REVERTED, message, "0x" + revert_data.hex())
