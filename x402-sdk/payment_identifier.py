"""Signs, with the official x402 SDK's buyer, two payments for one purchase under one
`payment-identifier` id: the way a client that lost an answer re-signs (a fresh nonce) but keeps
its purchase's id. Reads the 402's PAYMENT-REQUIRED header, so the extension the server declared
is echoed as the SDK echoes it, then adds the id with the SDK's own helper.

Prints one JSON line: the two PAYMENT-SIGNATURE header values and their nonces.
"""
import argparse
import json
import sys

from x402.extensions.payment_identifier import append_payment_identifier_to_extensions
from x402.http.utils import decode_payment_required_header, encode_payment_signature_header

from sdk_buyer import buyer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payment-required", required=True, help="the 402's PAYMENT-REQUIRED header value")
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--chain-id", type=int, required=True)
    parser.add_argument("--asset", required=True)
    parser.add_argument("--id", required=True)
    args = parser.parse_args()
    _, _, client = buyer(args.key_file, args.chain_id, args.asset)
    required = decode_payment_required_header(args.payment_required)

    headers, nonces = [], []
    for _ in range(2):
        payload = client.create_payment_payload(required)
        extensions = dict(payload.extensions or {})
        append_payment_identifier_to_extensions(extensions, args.id)
        payload.extensions = extensions
        headers.append(encode_payment_signature_header(payload))
        nonces.append(payload.payload["authorization"]["nonce"])
    print(json.dumps({"headers": headers, "nonces": nonces}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
