import Ethereum
import PaymentModel
import TestHarness
import X402Buyer

/// The payments of one run, signed before the clock starts: one item each at the configured
/// price, from the devchain's buyers in turn, as an x402 buyer's client signs them.
///
/// Signing is the buyers' work, not the daemon's, so none of it is timed.
struct PaymentWorkload: Sendable {
    let requests: [PaymentRequest]

    init(chain: Devchain, count: Int, tag: String) throws {
        let usdc = try Address(hex: chain.usdc)
        let signer = AuthorizationSigner(domain: EIP712Domain(name: chain.usdcName, version: chain.usdcVersion, chainId: chain.chainID,
                                                              verifyingContract: usdc))
        let receiver = try Address(hex: chain.receiver)
        let buyers = try chain.buyers.map { try PrivateKey(hex: $0.privateKey) }
        let value = UInt256(PaymentdWorkspace.unitPrice)
        requests = (0..<count).map { index in
            let buyer = buyers[index % buyers.count]
            let authorization = signer.authorization(from: buyer, to: receiver, value: value, validFor: 7200)
            return PaymentRequest(type: .mint, token: chain.mintToken, paymentToken: chain.usdc, amount: value.description,
                                  authorization: authorization,
                                  metadata: ["quantity": .int(1), "recipient": .string(buyer.address.checksummed)],
                                  idempotencyKey: "bench-\(tag)-\(index)")
        }
    }
}
