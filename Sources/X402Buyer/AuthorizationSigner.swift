import Ethereum
import Foundation
import PaymentModel

/// Signs EIP-3009 `TransferWithAuthorization`s the way an x402 buyer's client does: to the
/// receiver, for a value, valid from ten minutes ago (v1 clients' `now − 600`) for a window,
/// with 32 random bytes of nonce, under the token's EIP-712 domain.
///
/// It exists so every program that plays a buyer (the demo, the chaos drill, the benchmark,
/// the tests) signs the same way, and none re-implements the typed-data digest.
public struct AuthorizationSigner: Sendable {
    /// The token's EIP-712 domain (USDC: name "USD Coin" or "USDC", version "2").
    public let domain: EIP712Domain

    public init(domain: EIP712Domain) {
        self.domain = domain
    }

    /// A signed authorization of `value` from `buyer` to `receiver`.
    ///
    /// - `validFor`: seconds from now until `validBefore`.
    /// - `nonce`: the EIP-3009 nonce (random when nil).
    /// - `signWith`: a key other than the buyer's (for tests of a forged signature).
    /// - `splitSignature`: give `v`, `r`, `s` instead of one 65-byte `signature`.
    public func authorization(from buyer: PrivateKey, to receiver: Address, value: UInt256, validFor: UInt64 = 3600,
                              nonce: Bytes32? = nil, now: Date = Date(), signWith: PrivateKey? = nil,
                              splitSignature: Bool = false) -> AuthorizationPayload {
        let seconds = UInt64(max(0, now.timeIntervalSince1970))
        let nonce = nonce ?? Self.randomNonce()
        let transfer = TransferWithAuthorization(from: buyer.address, to: receiver, value: value,
                                                 validAfter: UInt256(seconds > 600 ? seconds - 600 : 0),
                                                 validBefore: UInt256(seconds + validFor), nonce: nonce)
        let signature = (signWith ?? buyer).sign(digest: transfer.digest(domain: domain))
        var payload = AuthorizationPayload(from: buyer.address.checksummed, to: receiver.checksummed, value: value.description,
                                           validAfter: transfer.validAfter.description, validBefore: transfer.validBefore.description,
                                           nonce: nonce.hex)
        if splitSignature {
            payload.v = String(signature.v)
            payload.r = signature.r.hex
            payload.s = signature.s.hex
        } else {
            payload.signature = signature.hex
        }
        return payload
    }

    /// 32 random bytes, as x402 clients choose EIP-3009 nonces.
    public static func randomNonce() -> Bytes32 {
        var generator = SystemRandomNumberGenerator()
        // 32 bytes always make a Bytes32.
        return (try? Bytes32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })) ?? .zero
    }
}
