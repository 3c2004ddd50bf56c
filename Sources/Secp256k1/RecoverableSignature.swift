/// A compact ECDSA signature with its recovery id: what Ethereum puts on the wire as (r, s, v).
public struct RecoverableSignature: Sendable, Equatable, Hashable {
    /// 32 bytes, big-endian.
    public let r: [UInt8]
    /// 32 bytes, big-endian.
    public let s: [UInt8]
    /// 0 or 1 (the y parity of the ephemeral point).
    public let recoveryID: UInt8

    public init(r: [UInt8], s: [UInt8], recoveryID: UInt8) {
        self.r = r
        self.s = s
        self.recoveryID = recoveryID
    }
}
