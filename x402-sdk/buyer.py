"""Pays a mint-server route with the official x402 SDK's requests client, and prints one JSON
line: the HTTP status, the body and the decoded receipt header.

The SDK is configured as X402-FACTS.md section 7 says: the scheme registered for
eip155:<chain id> (v2) and for a v1 network name added to the SDK's table, spend controls
allowing our asset. --version 1 plays a v1-only client: it never sees the PAYMENT-REQUIRED
header, so it pays from the v1 body with X-PAYMENT.
"""
import argparse
import base64
import json
import sys

import requests
from eth_account import Account
from x402 import x402ClientSync
from x402.http.clients.requests import x402HTTPAdapter
from x402.mechanisms.evm.exact.client import ExactEvmScheme
from x402.mechanisms.evm.exact.v1.client import ExactEvmSchemeV1
from x402.mechanisms.evm.signers import EthAccountSigner
from x402.mechanisms.evm.v1 import constants as v1_constants


class V1OnlyAdapter(x402HTTPAdapter):
    """The SDK's adapter as a client of the first generation sees the server: no v2 header."""

    def build_response(self, req, resp):
        response = super().build_response(req, resp)
        if response.status_code == 402:
            response.headers.pop("PAYMENT-REQUIRED", None)
        return response


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--chain-id", type=int, required=True)
    parser.add_argument("--asset", required=True)
    parser.add_argument("--v1-network", required=True)
    parser.add_argument("--version", type=int, choices=[1, 2], required=True)
    parser.add_argument("--quantity", type=int, default=1)
    args = parser.parse_args()

    with open(args.key_file, encoding="utf-8") as handle:
        account = Account.from_key(handle.read().strip())
    signer = EthAccountSigner(account)
    v1_constants.V1_NETWORK_CHAIN_IDS[args.v1_network] = args.chain_id
    client = x402ClientSync()
    client.register(f"eip155:{args.chain_id}", ExactEvmScheme(signer))
    client.register_v1(args.v1_network, ExactEvmSchemeV1(signer))
    client.set_spend_controls({"allowed_assets": [
        {"network": f"eip155:{args.chain_id}", "asset": args.asset},
        {"network": args.v1_network, "asset": args.asset},
    ]})
    adapter = (V1OnlyAdapter if args.version == 1 else x402HTTPAdapter)(client)
    session = requests.Session()
    session.mount("http://", adapter)

    response = session.post(args.url, json={"quantity": args.quantity}, timeout=120)
    receipt_header = response.headers.get("PAYMENT-RESPONSE") or response.headers.get("X-PAYMENT-RESPONSE")
    receipt = json.loads(base64.b64decode(receipt_header)) if receipt_header else None
    try:
        body = response.json()
    except ValueError:
        body = response.text
    print(json.dumps({
        "status": response.status_code,
        "body": body,
        "receipt": receipt,
        "receipt_header": "PAYMENT-RESPONSE" if response.headers.get("PAYMENT-RESPONSE") else
                          ("X-PAYMENT-RESPONSE" if receipt_header else None),
        "payer": account.address,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
