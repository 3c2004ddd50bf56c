"""The official x402 SDK's resource server settling one payment through mint-server's
facilitator, recording every answer the facilitator gave (the SDK repeats a settle that answered
`settlement_pending` with a transaction, once, and takes the second answer as final).

Prints one JSON line: the buyer, each raw facilitator answer in order, the SDK's final result and
the /settle body it sent (for the test to send again).
"""
import json
import sys

from x402 import x402ResourceServerSync
from x402.http import FacilitatorConfig, HTTPFacilitatorClientSync
from x402.mechanisms.evm.exact.register import register_exact_evm_server
from x402.schemas import PaymentRequired, PaymentRequirements

from sdk_buyer import buyer_from_arguments, dump


class RecordingFacilitator(HTTPFacilitatorClientSync):
    """The SDK's own HTTP facilitator client, keeping each /settle answer."""

    def __init__(self, config):
        super().__init__(config)
        self.answers = []

    def settle(self, payload, requirements):
        answer = super().settle(payload, requirements)
        self.answers.append(dump(answer))
        return answer


def main() -> int:
    args, account, network, buyer = buyer_from_arguments()
    requirements = PaymentRequirements(scheme="exact", network=network, asset=args.asset, amount=args.amount, pay_to=args.pay_to,
                                       max_timeout_seconds=300, extra={"name": args.eip712_name, "version": args.eip712_version})
    payment = buyer.create_payment_payload(PaymentRequired(accepts=[requirements]))

    facilitator = RecordingFacilitator(FacilitatorConfig(url=args.facilitator_url, timeout=90))
    server = x402ResourceServerSync(facilitator)
    register_exact_evm_server(server, network)
    server.initialize()
    result = server.settle_payment(payment, requirements)
    body = {"x402Version": 2, "paymentPayload": dump(payment), "paymentRequirements": dump(requirements)}
    print(json.dumps({"payer": account.address, "answers": facilitator.answers, "result": dump(result), "settle_body": body}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
