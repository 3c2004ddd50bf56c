import Ethereum
import PaymentModel
import TestHarness
import X402Buyer

/// The payments a drill makes: signed by the devchain's buyers in turn, one to three items each
/// at the workspace's price, each with its own idempotency key, all valid for two hours.
public enum ChaosRequests {
    public static func make(_ chain: Devchain, count: Int, seed: UInt64) throws -> [PaymentRequest] {
        let usdc = try Address(hex: chain.usdc)
        let signer = AuthorizationSigner(domain: EIP712Domain(name: chain.usdcName, version: chain.usdcVersion, chainId: chain.chainID,
                                                              verifyingContract: usdc))
        let receiver = try Address(hex: chain.receiver)
        let buyers = try chain.buyers.map { try PrivateKey(hex: $0.privateKey) }
        return (0..<count).map { index in
            let buyer = buyers[index % buyers.count]
            let quantity = index % 3 + 1
            // The workspace's configured price per item: the daemon refuses any other amount.
            let value = UInt256(PaymentdWorkspace.unitPrice * UInt64(quantity))
            let authorization = signer.authorization(from: buyer, to: receiver, value: value, validFor: 7200)
            return PaymentRequest(type: .mint, token: chain.mintToken, paymentToken: chain.usdc, amount: value.description,
                                  authorization: authorization,
                                  metadata: ["quantity": .int(Int64(quantity)), "recipient": .string(buyer.address.checksummed)],
                                  idempotencyKey: "chaos-\(seed)-\(index)")
        }
    }
}
