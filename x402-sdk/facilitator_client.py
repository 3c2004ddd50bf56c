"""Uses mint-server's facilitator API (/supported, /verify, /settle) through the official x402
SDK: its HTTPFacilitatorClientSync directly, and its own resource server (x402ResourceServerSync)
on top of it, the way a third-party x402 resource server would settle through us.

Prints one JSON line with every answer, for the Swift test to judge.
"""
import json
import sys

from x402 import x402ResourceServerSync
from x402.http import FacilitatorConfig, HTTPFacilitatorClientSync
from x402.mechanisms.evm.exact.register import register_exact_evm_server
from x402.schemas import PaymentRequired, PaymentRequirements

from sdk_buyer import buyer_from_arguments, dump


def main() -> int:
    args, account, network, buyer = buyer_from_arguments()

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
