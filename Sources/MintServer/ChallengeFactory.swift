import Ethereum
import JSON
import PaymentModel
import X402

/// Builds the requirements mint-server offers for a purchase, in both versions' shapes, and the
/// 402 that carries them: the receiver, the network, the token's EIP-712 domain (always with
/// its version) and the timeout are configuration; the amount is paymentd's price.
public struct ChallengeFactory: Sendable {
    public let network: X402Network
    public let payTo: String
    public let domainName: String
    public let domainVersion: String
    public let maxTimeoutSeconds: Int64
    /// Whether the declared `payment-identifier` is required.
    public let paymentIdentifierRequired: Bool

    public init(network: X402Network, payTo: String, domainName: String, domainVersion: String, maxTimeoutSeconds: Int64,
                paymentIdentifierRequired: Bool = false) {
        self.paymentIdentifierRequired = paymentIdentifierRequired
        self.network = network
        self.payTo = (try? Address(hex: payTo).checksummed) ?? payTo
        self.domainName = domainName
        self.domainVersion = domainVersion
        self.maxTimeoutSeconds = maxTimeoutSeconds
    }

    public init(_ configuration: MintServerConfiguration) {
        self.init(network: configuration.network, payTo: configuration.payTo, domainName: configuration.domainName,
                  domainVersion: configuration.domainVersion, maxTimeoutSeconds: configuration.maxTimeoutSeconds,
                  paymentIdentifierRequired: configuration.paymentIdentifierRequired)
    }

    /// What paying for `purchase` asks, in the shape of `version`.
    public func requirements(for purchase: Purchase, resource: ResourceInfo, version: Int) -> PaymentRequirements {
        let asset = (try? Address(hex: purchase.price.paymentToken).checksummed) ?? purchase.price.paymentToken
        return PaymentRequirements(
            network: network.name(version: version), amount: purchase.amountText, asset: asset, payTo: payTo,
            maxTimeoutSeconds: maxTimeoutSeconds, domainName: domainName, domainVersion: domainVersion,
            resource: version == 1 ? resource : nil,
            outputSchema: version == 1 ? Self.outputSchema(maxQuantity: purchase.price.maxQuantity) : nil)
    }

    /// The 402 for `purchase`: a plain challenge, or one that says why the payment sent was refused.
    public func challenge(for purchase: Purchase, resource: ResourceInfo, rejection: X402Rejection? = nil) -> PaymentChallenge {
        PaymentChallenge(
            error: rejection?.reason ?? X402ErrorReason.paymentRequired.rawValue,
            message: rejection?.message ?? "Payment required: sign an EIP-3009 authorization of \(purchase.amountText) atomic units "
                + "of \(purchase.price.paymentToken) to \(payTo) and send it in the X-PAYMENT (x402 v1) or PAYMENT-SIGNATURE (v2) header.",
            resource: resource,
            acceptsV1: [requirements(for: purchase, resource: resource, version: 1)],
            acceptsV2: [requirements(for: purchase, resource: resource, version: 2)],
            extensions: [PaymentIdentifier.key: PaymentIdentifier.declaration(required: paymentIdentifierRequired)])
    }

    /// The seed's discovery hint for version 1 clients: how to call the route.
    static func outputSchema(maxQuantity: Int) -> JSONValue {
        ["input": ["type": "http", "method": "POST", "discoverable": true, "bodyType": "json",
                   "bodyFields": ["quantity": ["type": "integer", "minimum": 1, "maximum": .int(Int64(maxQuantity)), "required": false],
                                  "recipient": ["type": "string", "description": "who receives the tokens (default: the payer)", "required": false]]],
         "output": ["paymentQueueId": "string", "status": "string", "txHash": "string"]]
    }
}
