/// An incremental Keccak-256: feed parts with `update`, read the digest once with `finalize`.
///
/// Hashing a concatenation (`0x1901 ‖ separator ‖ structHash`, `0x02 ‖ rlp`) this way never
/// builds the concatenated array.
public struct Keccak256Hasher: Sendable {
    private var state = KeccakState()
    /// Bytes not yet absorbed: always fewer than one block.
    private var pending: [UInt8] = []

    public init() {}

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let rate = KeccakState.rate
        var offset = 0
        if !pending.isEmpty {
            let take = min(rate - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            guard pending.count == rate else { return }
            pending.withUnsafeBytes { state.absorbBlock($0, at: 0) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= rate {
            state.absorbBlock(bytes, at: offset)
            offset += rate
        }
        if offset < bytes.count {
            pending.append(contentsOf: bytes[offset...])
        }
    }

    /// Pads the last block (0x01, zeros, 0x80 in its last byte), absorbs it and returns the digest.
    public consuming func finalize() -> [UInt8] {
        var block = [UInt8](repeating: 0, count: KeccakState.rate)
        for (index, byte) in pending.enumerated() {
            block[index] = byte
        }
        block[pending.count] ^= 0x01
        block[KeccakState.rate - 1] ^= 0x80
        block.withUnsafeBytes { state.absorbBlock($0, at: 0) }
        return state.squeeze256()
    }
}
