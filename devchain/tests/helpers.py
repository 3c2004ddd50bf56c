"""Test helpers: a keep-alive JSON-RPC client and transaction / EIP-3009 signing with eth-account.

Signing uses eth-account, an implementation independent of the node's py-evm decoding.
"""

import http.client
import json
import os
import secrets
import time
from urllib.parse import urlparse

from eth_abi import decode, encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

GWEI = 10**9


class RpcFailure(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = error.get("data")


class RpcClient:
    def __init__(self, url: str):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self._conn = None
        self._next_id = 0

    def post(self, payload, timeout: float = 30):
        """POST raw JSON; returns (HTTP status, decoded body or None)."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        for attempt in range(2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            try:
                self._conn.request("POST", "/", body, {"Content-Type": "application/json"})
                response = self._conn.getresponse()
                data = response.read()
                return response.status, (json.loads(data) if data else None)
            except (ConnectionError, http.client.HTTPException):
                self._conn.close()
                self._conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def request(self, method, *params):
        self._next_id += 1
        return {"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": list(params)}

    def call(self, method, *params):
        status, body = self.post(self.request(method, *params))
        assert status == 200, (status, body)
        if "error" in body:
            raise RpcFailure(body["error"])
        return body["result"]


class Chain:
    """The running node, its deployment JSON, and shortcuts used by most tests."""

    def __init__(self, info: dict, service):
        self.info = info
        self.service = service
        self.rpc = RpcClient(info["rpc_url"])
        self.usdc = info["usdc"]
        self.mint_token = info["mint_token"]
        self.chain_id = info["chain_id"]

    # -- reading -----------------------------------------------------------------------

    def block_number(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def block(self, tag="latest", full=False) -> dict:
        return self.rpc.call("eth_getBlockByNumber", tag if isinstance(tag, str) else hex(tag), full)

    def receipt(self, tx_hash):
        return self.rpc.call("eth_getTransactionReceipt", tx_hash)

    def balance(self, address) -> int:
        return int(self.rpc.call("eth_getBalance", address, "latest"), 16)

    def nonce(self, address, tag="latest") -> int:
        return int(self.rpc.call("eth_getTransactionCount", address, tag), 16)

    def base_fee(self) -> int:
        return int(self.block()["baseFeePerGas"], 16)

    def call(self, to, signature, args=(), types=(), returns=(), sender=None):
        data = "0x" + calldata(signature, *args).hex()
        tx = {"to": to, "data": data}
        if sender:
            tx["from"] = sender
        out = self.rpc.call("eth_call", tx, "latest")
        return decode(list(returns), bytes.fromhex(out[2:])) if returns else out

    def token_balance(self, token, holder) -> int:
        return self.call(token, "balanceOf(address)", [holder], returns=["uint256"])[0]

    # -- writing -----------------------------------------------------------------------

    def sign_tx(self, key, *, nonce=None, to=None, value=0, data=b"", gas=None, tip=GWEI, max_fee=None, chain_id=None):
        sender = Account.from_key(key).address
        if nonce is None:
            nonce = self.nonce(sender, "pending")
        if max_fee is None:
            max_fee = 2 * self.base_fee() + tip
        tx = {
            "chainId": self.chain_id if chain_id is None else chain_id,
            "nonce": nonce,
            "gas": gas if gas is not None else (21_000 if not data else 300_000),
            "maxFeePerGas": max_fee,
            "maxPriorityFeePerGas": tip,
            "value": value,
            "data": data,
            "type": 2,
        }
        if to is not None:
            tx["to"] = to_checksum_address(to)
        signed = Account.sign_transaction(tx, key)
        return "0x" + bytes(signed.raw_transaction).hex(), "0x" + bytes(signed.hash).hex()

    def send(self, key, **kwargs) -> str:
        raw, tx_hash = self.sign_tx(key, **kwargs)
        assert self.rpc.call("eth_sendRawTransaction", raw) == tx_hash
        return tx_hash

    def mine(self, blocks: int = 1) -> None:
        self.rpc.call("anvil_mine", hex(blocks))

    def authorization(self, buyer_key, to, value, *, valid_after=0, valid_before=None, nonce=None, name=None):
        """A signed EIP-3009 TransferWithAuthorization, as an x402 buyer makes one."""
        return sign_authorization(
            buyer_key,
            token=self.usdc,
            chain_id=self.chain_id,
            name=name or self.info["usdc_name"],
            to=to,
            value=value,
            valid_after=valid_after,
            valid_before=valid_before if valid_before is not None else int(time.time()) + 3600,
            nonce=nonce or secrets.token_bytes(32),
        )

    def relay(self, signer_key, auth, **kwargs) -> str:
        """Submit transferWithAuthorization from a relayer wallet; returns the tx hash."""
        return self.send(signer_key, to=self.usdc, data=twa_calldata(auth), **kwargs)


def calldata(signature: str, *args) -> bytes:
    types = [t for t in signature[signature.index("(") + 1 : -1].split(",") if t]
    return keccak(text=signature)[:4] + encode(types, list(args))


TWA_SIGNATURE = "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"


def twa_calldata(auth: dict) -> bytes:
    return calldata(
        TWA_SIGNATURE,
        auth["from"], auth["to"], auth["value"], auth["validAfter"], auth["validBefore"],
        auth["nonce"], auth["v"], auth["r"], auth["s"],
    )


def sign_authorization(key, *, token, chain_id, name, to, value, valid_after, valid_before, nonce) -> dict:
    sender = Account.from_key(key).address
    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "TransferWithAuthorization": [
                {"name": "from", "type": "address"},
                {"name": "to", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "validAfter", "type": "uint256"},
                {"name": "validBefore", "type": "uint256"},
                {"name": "nonce", "type": "bytes32"},
            ],
        },
        "primaryType": "TransferWithAuthorization",
        "domain": {"name": name, "version": "2", "chainId": chain_id, "verifyingContract": token},
        "message": {
            "from": sender, "to": to, "value": value, "validAfter": valid_after,
            "validBefore": valid_before, "nonce": nonce,
        },
    }
    signed = Account.sign_message(encode_typed_data(full_message=typed), key)
    return {
        "from": sender, "to": to, "value": value, "validAfter": valid_after, "validBefore": valid_before,
        "nonce": nonce, "v": signed.v, "r": signed.r.to_bytes(32, "big"), "s": signed.s.to_bytes(32, "big"),
    }


def topic(signature: str) -> str:
    return "0x" + keccak(text=signature).hex()


def word(value) -> str:
    if isinstance(value, str):  # address
        return "0x" + value[2:].lower().rjust(64, "0")
    if isinstance(value, bytes):
        return "0x" + value.hex().rjust(64, "0")
    return "0x%064x" % value


def fresh_key() -> str:
    return "0x" + os.urandom(32).hex()
