"""Uses mint-server's facilitator API (/supported, /verify, /settle) through the official x402
SDK: its HTTPFacilitatorClientSync directly, and its own resource server (x402ResourceServerSync)
on top of it, the way a third-party x402 resource server would settle through us.

Prints one JSON line with every answer, for the Swift test to judge.
"""
import argparse
import json
import sys

from eth_account import Account
from x402 import x402ClientSync, x402ResourceServerSync
from x402.http import FacilitatorConfig, HTTPFacilitatorClientSync
from x402.mechanisms.evm.exact.client import ExactEvmScheme
from x402.mechanisms.evm.exact.register import register_exact_evm_server
from x402.mechanisms.evm.signers import EthAccountSigner
from x402.schemas import PaymentRequired, PaymentRequirements


def dump(model):
    return model.model_dump(by_alias=True, exclude_none=True) if model is not None else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilitator-url", required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--chain-id", type=int, required=True)
    parser.add_argument("--asset", required=True)
    parser.add_argument("--pay-to", required=True)
    parser.add_argument("--amount", required=True)
    parser.add_argument("--eip712-name", required=True)
    parser.add_argument("--eip712-version", required=True)
    args = parser.parse_args()

    with open(args.key_file, encoding="utf-8") as handle:
        account = Account.from_key(handle.read().strip())
    network = f"eip155:{args.chain_id}"
    buyer = x402ClientSync()
    buyer.register(network, ExactEvmScheme(EthAccountSigner(account)))
    buyer.set_spend_controls({"allowed_assets": [{"network": network, "asset": args.asset}]})

    def requirements(pay_to: str) -> PaymentRequirements:
        return PaymentRequirements(scheme="exact", network=network, asset=args.asset, amount=args.amount, pay_to=pay_to,
                                   max_timeout_seconds=300, extra={"name": args.eip712_name, "version": args.eip712_version})

    def payment(reqs: PaymentRequirements):
        return buyer.create_payment_payload(PaymentRequired(accepts=[reqs]))

    facilitator = HTTPFacilitatorClientSync(FacilitatorConfig(url=args.facilitator_url, timeout=90))
    out = {"payer": account.address}
    out["supported"] = dump(facilitator.get_supported())

    ours = requirements(args.pay_to)
    first = payment(ours)
    out["verify"] = dump(facilitator.verify(first, ours))
    out["settle"] = dump(facilitator.settle(first, ours))
    out["settle_again"] = dump(facilitator.settle(first, ours))

    # Not an open relayer: requirements paying someone else are refused at verify and settle.
    elsewhere = requirements("0x000000000000000000000000000000000000dEaD")
    foreign = payment(elsewhere)
    out["verify_elsewhere"] = dump(facilitator.verify(foreign, elsewhere))
    out["settle_elsewhere"] = dump(facilitator.settle(foreign, elsewhere))

    # A tampered value no longer matches its signature.
    tampered = payment(ours).model_copy(deep=True)
    tampered.payload["authorization"]["value"] = str(int(args.amount) * 2)
    doubled = requirements(args.pay_to)
    doubled.amount = str(int(args.amount) * 2)
    tampered.accepted.amount = doubled.amount
    out["verify_tampered"] = dump(facilitator.verify(tampered, doubled))

    # The SDK's own resource server, settling through us (it retries a settlement_pending once).
    server = x402ResourceServerSync(facilitator)
    register_exact_evm_server(server, network)
    server.initialize()
    second = payment(ours)
    verified = server.verify_payment(second, ours)
    out["server_verify"] = {"isValid": getattr(getattr(verified, "verify_response", verified), "is_valid", None)}
    out["server_settle"] = dump(server.settle_payment(second, ours))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
