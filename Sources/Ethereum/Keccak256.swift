/// Keccak-256 as Ethereum uses it: the original Keccak submission's padding (0x01 … 0x80), not
/// FIPS 202 SHA3-256's (0x06 … 0x80), so digests differ from SHA3-256 for every input.
///
/// It exists because nothing in the dependency set provides it, and every address, selector,
/// typed-data digest and transaction hash depends on it being exactly right; the tests pin it to
/// the Keccak team's published known answers.
public enum Keccak256 {
    /// The 32-byte Keccak-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = Keccak256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of the UTF-8 bytes of `text` (for signatures such as `"Transfer(address,address,uint256)"`).
    public static func hash(utf8 text: String) -> [UInt8] {
        hash(Array(text.utf8))
    }
}
