import Ethereum
import Foundation
import PaymentModel
import X402

/// Answers a 402 as an x402 buyer's client does: picks the `exact` requirements on the buyer's
/// chain, signs an EIP-3009 authorization for exactly their amount to their `payTo` under the
/// token's EIP-712 domain (`extra.name`, `extra.version`), valid for `maxTimeoutSeconds`, and
/// wraps it in the payload of the challenge's version (`X-PAYMENT` for 1, `PAYMENT-SIGNATURE`
/// for 2, echoing the requirements as `accepted`).
public struct PaymentHeaderBuilder: Sendable {
    /// The chain the buyer pays on; version 1 names are resolved with `v1Names`.
    public let chainID: UInt64
    public let v1Names: [String: UInt64]

    public init(chainID: UInt64, v1Names: [String: UInt64] = [:]) {
        self.chainID = chainID
        var names = v1Names
        for (id, name) in X402Network.knownV1Names where names[name] == nil { names[name] = id }
        self.v1Names = names
    }

    /// A signed payment: its header name and value, and the authorization inside.
    public struct SignedPayment: Sendable {
        public var headerName: String
        public var payload: PaymentPayload
        public var headerValue: String { payload.headerValue }
    }

    /// Why a 402 cannot be paid by this buyer.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Signs a payment for the first requirements of `accepts` this buyer can pay.
    public func pay(version: Int, accepts: [PaymentRequirements], buyer: PrivateKey, now: Date = Date()) throws(Refusal) -> SignedPayment {
        guard let requirements = accepts.first(where: { $0.scheme == "exact" && chain(of: $0.network) == chainID }) else {
            throw Refusal(description: "the 402 offers no exact payment on chain \(chainID): \(accepts.map { "\($0.scheme)@\($0.network)" })")
        }
        guard let name = requirements.domainName, let domainVersion = requirements.domainVersion else {
            throw Refusal(description: "the requirements carry no EIP-712 domain (extra.name, extra.version)")
        }
        guard let asset = try? Address(hex: requirements.asset), let payTo = try? Address(hex: requirements.payTo),
              let amount = UInt256(decimal: requirements.amount) else {
            throw Refusal(description: "the requirements' asset, payTo or amount do not parse")
        }
        let signer = AuthorizationSigner(domain: EIP712Domain(name: name, version: domainVersion, chainId: chainID, verifyingContract: asset))
        let authorization = signer.authorization(from: buyer, to: payTo, value: amount,
                                                 validFor: UInt64(max(30, requirements.maxTimeoutSeconds)), now: now)
        let payload = PaymentPayload(x402Version: version, scheme: requirements.scheme, network: requirements.network,
                                     accepted: version == 2 ? requirements : nil, authorization: authorization)
        return SignedPayment(headerName: version == 1 ? X402Headers.payment : X402Headers.paymentSignature, payload: payload)
    }

    private func chain(of network: String) -> UInt64? {
        if network.hasPrefix("eip155:") { return UInt64(network.dropFirst("eip155:".count)) }
        return v1Names[network]
    }
}
