import Ethereum
import Foundation
import X402

/// The facilitator's `/verify` checks, in the order of x402's reference facilitator
/// (X402-FACTS.md section 3) minus the chain simulation: scheme, domain, network, that the
/// requirements pay *our* receiver in the configured token domain, the echoed requirements,
/// the EIP-712 signature, recipient, validity window (6 s margin) and exact value.
///
/// What needs the chain (an unused nonce, the payer's balance) is checked by paymentd when the
/// payment is settled; `/verify` is stateless, as the reference one is.
public struct AuthorizationVerifier: Sendable {
    public let network: X402Network
    public let payTo: String
    public let domainName: String
    public let domainVersion: String
    /// Seconds `validBefore` must leave (the reference's "3 blocks").
    public let validBeforeMargin: UInt64 = 6

    public init(network: X402Network, payTo: String, domainName: String, domainVersion: String) {
        self.network = network
        self.payTo = payTo
        self.domainName = domainName
        self.domainVersion = domainVersion
    }

    /// Nil when `payment` validly pays `requirements` now.
    public func rejection(of payment: PaymentPayload, for requirements: PaymentRequirements,
                          now: UInt64 = UInt64(Date().timeIntervalSince1970)) -> X402Rejection? {
        guard payment.scheme == "exact", requirements.scheme == "exact" else {
            return X402Rejection(.invalidScheme, "Only the exact scheme is settled here.")
        }
        guard let name = requirements.domainName, let version = requirements.domainVersion else {
            return X402Rejection(.missingDomain, "paymentRequirements.extra must carry the token's EIP-712 name and version.")
        }
        guard payment.network == requirements.network, network.isNamed(requirements.network) else {
            return X402Rejection(.networkMismatch, "The payment is on \(payment.network) for requirements on \(requirements.network); "
                + "this facilitator settles on \(network.caip2) (\(network.v1Name)).")
        }
        guard name == domainName, version == domainVersion else {
            return X402Rejection(.missingDomain, "The requirements name the EIP-712 domain \(name) version \(version); "
                + "the token's is \(domainName) version \(domainVersion).")
        }
        guard requirements.payTo.lowercased() == payTo.lowercased() else {
            return X402Rejection(.requirementsMismatch, "This facilitator settles only payments to \(payTo), not to \(requirements.payTo).")
        }
        if let accepted = payment.accepted, !accepted.asksTheSame(as: requirements) {
            return X402Rejection(.requirementsMismatch, "The payment's accepted requirements differ from the paymentRequirements sent.")
        }
        let authorization = payment.authorization
        guard let transfer = try? TransferWithAuthorization(
            from: Address(hex: authorization.from), to: Address(hex: authorization.to),
            value: UInt256(parsingDecimal: authorization.value), validAfter: UInt256(parsingDecimal: authorization.validAfter),
            validBefore: UInt256(parsingDecimal: authorization.validBefore), nonce: Bytes32(hex: authorization.nonce)),
            let asset = try? Address(hex: requirements.asset) else {
            return X402Rejection(.invalidPayload, "The authorization or the asset does not parse.")
        }
        let domain = EIP712Domain(name: name, version: version, chainId: network.chainID, verifyingContract: asset)
        guard let signature = try? EthereumSignature(hex: authorization.signature ?? ""),
              let signer = try? transfer.recoverSigner(signature: signature, domain: domain), signer == transfer.from else {
            return X402Rejection(.invalidSignature, "The signature was not made by \(authorization.from) for this authorization and domain.")
        }
        guard authorization.to.lowercased() == requirements.payTo.lowercased() else {
            return X402Rejection(.recipientMismatch, "The authorization pays \(authorization.to), not \(requirements.payTo).")
        }
        guard transfer.validBefore >= UInt256(now + validBeforeMargin) else {
            return X402Rejection(.validBefore, "The authorization expires at \(authorization.validBefore), too soon to settle.")
        }
        guard transfer.validAfter <= UInt256(now) else {
            return X402Rejection(.validAfter, "The authorization is not valid before \(authorization.validAfter).")
        }
        guard authorization.value == requirements.amount else {
            return X402Rejection(.authorizationValue, "The authorization's value \(authorization.value) is not the amount \(requirements.amount).")
        }
        return nil
    }
}
