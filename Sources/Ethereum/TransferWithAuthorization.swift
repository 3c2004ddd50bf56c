/// The EIP-3009 `TransferWithAuthorization` message a buyer signs: move `value` USDC from
/// `from` to `to`, valid strictly after `validAfter` and strictly before `validBefore` (Unix
/// seconds), usable once per `nonce`.
///
/// It exists to compute exactly the digest the token contract will verify, so a signature is
/// checked (and its signer recovered) before anything is queued. Codable with the x402 JSON
/// keys (`from`, `to`, `value`, `validAfter`, `validBefore`, `nonce`; numbers as decimal strings).
public struct TransferWithAuthorization: Sendable, Hashable, Codable {
    public var from: Address
    public var to: Address
    public var value: UInt256
    public var validAfter: UInt256
    public var validBefore: UInt256
    public var nonce: Bytes32

    public init(from: Address, to: Address, value: UInt256, validAfter: UInt256, validBefore: UInt256, nonce: Bytes32) {
        self.from = from
        self.to = to
        self.value = value
        self.validAfter = validAfter
        self.validBefore = validBefore
        self.nonce = nonce
    }

    /// keccak256 of the EIP-712 type string, as FiatTokenV2 declares it.
    public static let typeHash = Bytes32.keccak256(Array(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)".utf8))

    /// hashStruct: keccak256(typeHash ‖ from ‖ to ‖ value ‖ validAfter ‖ validBefore ‖ nonce),
    /// each field one 32-byte word.
    public var structHash: Bytes32 {
        var hasher = Keccak256Hasher()
        hasher.update(Self.typeHash.bytes)
        hasher.update(ABIWord.address(from))
        hasher.update(ABIWord.address(to))
        hasher.update(ABIWord.uint256(value))
        hasher.update(ABIWord.uint256(validAfter))
        hasher.update(ABIWord.uint256(validBefore))
        hasher.update(nonce.bytes)
        return Bytes32(validated: hasher.finalize())
    }

    /// The digest the buyer signed: keccak256(0x1901 ‖ domain separator ‖ structHash).
    public func digest(domain: EIP712Domain) -> Bytes32 {
        domain.digest(structHash: structHash)
    }

    /// The address that signed this authorization in `domain` (compare it with `from`).
    public func recoverSigner(signature: EthereumSignature, domain: EIP712Domain) throws(EthereumError) -> Address {
        try signature.recoverSigner(digest: digest(domain: domain))
    }
}
