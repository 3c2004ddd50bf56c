import Ethereum

extension Bytes32 {
    /// Thirty-two copies of `byte`: a recognisable hash or nonce for a test row.
    static func repeating(_ byte: UInt8) -> Bytes32 {
        // 32 bytes always make a Bytes32.
        try! Bytes32(bytes: [UInt8](repeating: byte, count: 32))
    }
}
