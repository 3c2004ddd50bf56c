/// Calldata for the token contract paymentd mints from, and the selectors of its
/// `AlreadyMinted` error (deployed contracts declare it with or without the hash argument).
public enum MintContractCalldata {
    /// `mint(address to, bytes32 txHash)`.
    public static func mint(to recipient: Address, txHash: Bytes32) -> [UInt8] {
        ABI.calldata("mint(address,bytes32)", [.address(recipient), .bytes32(txHash)])
    }

    /// `batchMint(address[] to, bytes32[] txHashes)`: recipient i gets the mint keyed by hash i.
    /// The contract reverts the whole batch if any hash was minted before.
    public static func batchMint(recipients: [Address], txHashes: [Bytes32]) -> [UInt8] {
        ABI.calldata("batchMint(address[],bytes32[])", [.addressArray(recipients), .bytes32Array(txHashes)])
    }

    /// `hasMinted(bytes32) → bool`.
    public static func hasMinted(_ txHash: Bytes32) -> [UInt8] {
        ABI.calldata("hasMinted(bytes32)", [.bytes32(txHash)])
    }

    /// `mintAmount() → uint256`: tokens per mint.
    public static func mintAmount() -> [UInt8] {
        ABI.calldata("mintAmount()", [])
    }

    /// `remainingSupply() → uint256`.
    public static func remainingSupply() -> [UInt8] {
        ABI.calldata("remainingSupply()", [])
    }

    /// Selector of `AlreadyMinted(bytes32)`.
    public static let alreadyMintedWithHashSelector = ABI.selector("AlreadyMinted(bytes32)")
    /// Selector of `AlreadyMinted()`.
    public static let alreadyMintedSelector = ABI.selector("AlreadyMinted()")
}
