/// The secp256k1 group order n and its half, the bounds every Ethereum signature scalar is
/// checked against (SEC 2, section 2.4.1).
enum CurveOrder {
    /// n = FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE BAAEDCE6 AF48A03B BFD25E8C D0364141.
    static let n = UInt256(w0: 0xBFD2_5E8C_D036_4141, w1: 0xBAAE_DCE6_AF48_A03B, w2: 0xFFFF_FFFF_FFFF_FFFE, w3: 0xFFFF_FFFF_FFFF_FFFF)
    /// ⌊n / 2⌋: the largest s a low-s (EIP-2) signature may have.
    static let halfN = UInt256(w0: 0xDFE9_2F46_681B_20A0, w1: 0x5D57_6E73_57A4_501D, w2: 0xFFFF_FFFF_FFFF_FFFF, w3: 0x7FFF_FFFF_FFFF_FFFF)
}
