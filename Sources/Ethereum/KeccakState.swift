/// The Keccak-f[1600] permutation over a 5×5 state of 64-bit lanes, and the sponge steps
/// Keccak-256 needs (absorb one 136-byte block, squeeze 32 bytes).
///
/// The state is a homogeneous tuple and the rounds work on 25 local variables, so hashing
/// allocates nothing and indexes nothing at run time. Lane `x + 5y` holds A[x, y].
struct KeccakState: Sendable {
    /// Bytes absorbed per permutation for a 256-bit capacity: (1600 - 2 × 256) / 8.
    static let rate = 136

    private var lanes: (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// XORs one `rate`-byte block starting at `offset` of `bytes` into the state (little-endian
    /// lanes), then permutes.
    mutating func absorbBlock(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset + Self.rate <= bytes.count, "block out of range")
        func lane(_ index: Int) -> UInt64 {
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + index * 8, as: UInt64.self))
        }
        lanes.0 ^= lane(0)
        lanes.1 ^= lane(1)
        lanes.2 ^= lane(2)
        lanes.3 ^= lane(3)
        lanes.4 ^= lane(4)
        lanes.5 ^= lane(5)
        lanes.6 ^= lane(6)
        lanes.7 ^= lane(7)
        lanes.8 ^= lane(8)
        lanes.9 ^= lane(9)
        lanes.10 ^= lane(10)
        lanes.11 ^= lane(11)
        lanes.12 ^= lane(12)
        lanes.13 ^= lane(13)
        lanes.14 ^= lane(14)
        lanes.15 ^= lane(15)
        lanes.16 ^= lane(16)
        permute()
    }

    /// The first 32 bytes of the state, little-endian lanes: the Keccak-256 digest.
    func squeeze256() -> [UInt8] {
        var digest = [UInt8]()
        digest.reserveCapacity(32)
        func append(_ lane: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                digest.append(UInt8(truncatingIfNeeded: lane >> UInt64(shift)))
            }
        }
        append(lanes.0)
        append(lanes.1)
        append(lanes.2)
        append(lanes.3)
        return digest
    }

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ and ι.
    mutating func permute() {
        var a0 = lanes.0
        var a1 = lanes.1
        var a2 = lanes.2
        var a3 = lanes.3
        var a4 = lanes.4
        var a5 = lanes.5
        var a6 = lanes.6
        var a7 = lanes.7
        var a8 = lanes.8
        var a9 = lanes.9
        var a10 = lanes.10
        var a11 = lanes.11
        var a12 = lanes.12
        var a13 = lanes.13
        var a14 = lanes.14
        var a15 = lanes.15
        var a16 = lanes.16
        var a17 = lanes.17
        var a18 = lanes.18
        var a19 = lanes.19
        var a20 = lanes.20
        var a21 = lanes.21
        var a22 = lanes.22
        var a23 = lanes.23
        var a24 = lanes.24
        for roundConstant in Self.roundConstants {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotateLeft(c1, 1)
            let d1 = c0 ^ rotateLeft(c2, 1)
            let d2 = c1 ^ rotateLeft(c3, 1)
            let d3 = c2 ^ rotateLeft(c4, 1)
            let d4 = c3 ^ rotateLeft(c0, 1)
            let b0 = a0 ^ d0
            let b1 = rotateLeft(a6 ^ d1, 44)
            let b2 = rotateLeft(a12 ^ d2, 43)
            let b3 = rotateLeft(a18 ^ d3, 21)
            let b4 = rotateLeft(a24 ^ d4, 14)
            let b5 = rotateLeft(a3 ^ d3, 28)
            let b6 = rotateLeft(a9 ^ d4, 20)
            let b7 = rotateLeft(a10 ^ d0, 3)
            let b8 = rotateLeft(a16 ^ d1, 45)
            let b9 = rotateLeft(a22 ^ d2, 61)
            let b10 = rotateLeft(a1 ^ d1, 1)
            let b11 = rotateLeft(a7 ^ d2, 6)
            let b12 = rotateLeft(a13 ^ d3, 25)
            let b13 = rotateLeft(a19 ^ d4, 8)
            let b14 = rotateLeft(a20 ^ d0, 18)
            let b15 = rotateLeft(a4 ^ d4, 27)
            let b16 = rotateLeft(a5 ^ d0, 36)
            let b17 = rotateLeft(a11 ^ d1, 10)
            let b18 = rotateLeft(a17 ^ d2, 15)
            let b19 = rotateLeft(a23 ^ d3, 56)
            let b20 = rotateLeft(a2 ^ d2, 62)
            let b21 = rotateLeft(a8 ^ d3, 55)
            let b22 = rotateLeft(a14 ^ d4, 39)
            let b23 = rotateLeft(a15 ^ d0, 41)
            let b24 = rotateLeft(a21 ^ d1, 2)
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a0 ^= roundConstant
        }
        lanes.0 = a0
        lanes.1 = a1
        lanes.2 = a2
        lanes.3 = a3
        lanes.4 = a4
        lanes.5 = a5
        lanes.6 = a6
        lanes.7 = a7
        lanes.8 = a8
        lanes.9 = a9
        lanes.10 = a10
        lanes.11 = a11
        lanes.12 = a12
        lanes.13 = a13
        lanes.14 = a14
        lanes.15 = a15
        lanes.16 = a16
        lanes.17 = a17
        lanes.18 = a18
        lanes.19 = a19
        lanes.20 = a20
        lanes.21 = a21
        lanes.22 = a22
        lanes.23 = a23
        lanes.24 = a24
    }

    private static let roundConstants: [UInt64] = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]
}

@inline(__always)
private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value &<< count) | (value &>> (64 &- count))
}
