/// The topic-0 hashes of the events the engine looks for in receipts and logs.
///
/// `AuthorizationUsed` proves an EIP-3009 authorization was consumed (by us or by a front-runner),
/// `Transfer` proves the USDC moved, `TokensMinted` proves a mint job landed.
public enum EventTopic {
    /// keccak256("AuthorizationUsed(address,bytes32)"), emitted by USDC with (authorizer, nonce) indexed.
    public static let authorizationUsed = Bytes32.keccak256(Array("AuthorizationUsed(address,bytes32)".utf8))
    /// keccak256("AuthorizationCanceled(address,bytes32)"), emitted by USDC's `cancelAuthorization`.
    public static let authorizationCanceled = Bytes32.keccak256(Array("AuthorizationCanceled(address,bytes32)".utf8))
    /// keccak256("Transfer(address,address,uint256)"), the ERC-20 transfer.
    public static let transfer = Bytes32.keccak256(Array("Transfer(address,address,uint256)".utf8))
    /// keccak256("TokensMinted(address,uint256,bytes32)"), emitted by the mint contract.
    public static let tokensMinted = Bytes32.keccak256(Array("TokensMinted(address,uint256,bytes32)".utf8))
}

extension EventTopic {
    /// An address as an indexed event topic: twelve zero bytes, then the address.
    public static func address(_ value: Address) -> Bytes32 {
        // 12 + 20 bytes is always 32: the initializer cannot fail.
        (try? Bytes32(bytes: ABIWord.address(value))) ?? .zero
    }
}
