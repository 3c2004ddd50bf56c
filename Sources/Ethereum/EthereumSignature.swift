import Secp256k1

/// A secp256k1 signature as Ethereum writes it: r, s and v (27 or 28).
///
/// It exists so that a buyer's signature is validated once, at the edge: construction refuses
/// every form that a contract or a relayer would refuse later (wrong length, r or s zero or not
/// below n, high s, v other than 0/1/27/28), each with its own error, so no payment is queued
/// with a signature that cannot settle. v 0/1 is normalised to 27/28.
public struct EthereumSignature: Sendable, Hashable {
    public let r: Bytes32
    public let s: Bytes32
    /// 27 or 28.
    public let v: UInt8

    /// 0 or 1: the y parity of the signature's ephemeral point (what a type-2 transaction stores).
    public var yParity: UInt8 { v - 27 }

    /// v may be 0, 1, 27 or 28.
    public init(v: UInt8, r: Bytes32, s: Bytes32) throws(EthereumError) {
        let normalised: UInt8
        switch v {
        case 0, 1: normalised = v + 27
        case 27, 28: normalised = v
        default: throw .invalidSignatureV(String(v))
        }
        let rValue = r.uint256Value, sValue = s.uint256Value
        guard !rValue.isZero, rValue < CurveOrder.n else { throw .invalidSignatureScalar(component: "r") }
        guard !sValue.isZero, sValue < CurveOrder.n else { throw .invalidSignatureScalar(component: "s") }
        guard sValue <= CurveOrder.halfN else { throw .highSSignature }
        self.r = r
        self.s = s
        self.v = normalised
    }

    /// The 65-byte form r ‖ s ‖ v, v being 0, 1, 27 or 28.
    public init(bytes: [UInt8]) throws(EthereumError) {
        guard bytes.count == 65 else { throw .invalidSignatureLength(bytes.count) }
        try self.init(v: bytes[64], r: Bytes32(bytes: Array(bytes[0..<32])), s: Bytes32(bytes: Array(bytes[32..<64])))
    }

    /// 130 hex digits (`0x` optional): r ‖ s ‖ v.
    public init(hex: String) throws(EthereumError) {
        try self.init(bytes: Hex.decode(hex))
    }

    /// The `{v, r, s}` JSON form: v as a decimal or `0x`-hex string, r and s as 64 hex digits.
    public init(v: String, r: String, s: String) throws(EthereumError) {
        let isHex = v.hasPrefix("0x") || v.hasPrefix("0X")
        guard let vValue = isHex ? UInt256(hexString: v) : UInt256(decimal: v),
              let small = vValue.uint64Value, small <= 255 else {
            throw .invalidSignatureV("\"\(v.prefix(80))\"")
        }
        try self.init(v: UInt8(small), r: Bytes32(hex: r), s: Bytes32(hex: s))
    }

    /// A type-2 transaction's signature: y parity 0 or 1, r and s as integers.
    init(yParity: UInt256, r: UInt256, s: UInt256) throws(EthereumError) {
        guard let parity = yParity.uint64Value, parity <= 1 else { throw .invalidSignatureV("y parity \(yParity)") }
        try self.init(v: UInt8(parity), r: Bytes32(r), s: Bytes32(s))
    }

    /// r ‖ s ‖ v with v 27 or 28.
    public var bytes: [UInt8] { r.bytes + s.bytes + [v] }

    /// `0x` and 130 lowercase hex digits: r ‖ s ‖ v with v 27 or 28.
    public var hex: String { Hex.encode(bytes) }

    /// The address whose key made this signature over `digest`.
    public func recoverSigner(digest: Bytes32) throws(EthereumError) -> Address {
        let signature = RecoverableSignature(r: r.bytes, s: s.bytes, recoveryID: yParity)
        let publicKey: [UInt8]
        do {
            publicKey = try Secp256k1.recoverPublicKey(digest: digest.bytes, signature: signature)
        } catch {
            throw .signatureRecoveryFailed
        }
        return try Address(publicKey: publicKey)
    }
}

extension EthereumSignature: CustomStringConvertible {
    public var description: String { hex }
}
