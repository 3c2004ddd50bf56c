/// The EIP-712 domain of a token contract: what makes a signed authorization valid for one
/// contract on one chain only.
///
/// For USDC this is `{name: "USD Coin", version: "2"}` on Base (8453) and `{name: "USDC",
/// version: "2"}` on Base Sepolia (84532); a wrong name yields a valid-looking signature that the
/// contract rejects, so the domain is a value the engine configures per token, not a constant.
/// The separator is computed once, at construction.
public struct EIP712Domain: Sendable, Hashable {
    public let name: String
    public let version: String
    public let chainId: UInt64
    public let verifyingContract: Address
    /// keccak256(typeHash ‖ keccak(name) ‖ keccak(version) ‖ chainId ‖ verifyingContract).
    public let separator: Bytes32

    /// keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)").
    public static let typeHash = Bytes32.keccak256(Array(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)".utf8))

    public init(name: String, version: String, chainId: UInt64, verifyingContract: Address) {
        self.name = name
        self.version = version
        self.chainId = chainId
        self.verifyingContract = verifyingContract
        var hasher = Keccak256Hasher()
        hasher.update(Self.typeHash.bytes)
        hasher.update(Keccak256.hash(utf8: name))
        hasher.update(Keccak256.hash(utf8: version))
        hasher.update(ABIWord.uint256(UInt256(chainId)))
        hasher.update(ABIWord.address(verifyingContract))
        self.separator = Bytes32(validated: hasher.finalize())
    }

    /// The digest a wallet signs for a struct with hash `structHash` in this domain:
    /// keccak256(0x19 ‖ 0x01 ‖ separator ‖ structHash).
    public func digest(structHash: Bytes32) -> Bytes32 {
        var hasher = Keccak256Hasher()
        hasher.update([0x19, 0x01])
        hasher.update(separator.bytes)
        hasher.update(structHash.bytes)
        return Bytes32(validated: hasher.finalize())
    }
}
