/// An unsigned EIP-1559 (type 2) transaction with an empty access list: what a hot wallet sends
/// to settle an authorization or mint.
///
/// It exists to produce exactly the bytes a node accepts and the hash it will report, so the
/// engine can persist a signed transaction (and know its hash) before broadcasting it. The fields
/// are variables so a fee bump is a copy with new fees, signed again with the same nonce.
public struct EIP1559Transaction: Sendable, Hashable {
    /// The EIP-2718 type byte that precedes the RLP payload.
    public static let type: UInt8 = 0x02

    public var chainId: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// nil creates a contract.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]

    public init(chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256,
                gasLimit: UInt64, to: Address?, value: UInt256 = .zero, data: [UInt8] = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }

    /// [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList].
    var unsignedFields: [RLPItem] {
        [.uint(chainId), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
         .bytes(to?.bytes ?? []), .uint(value), .bytes(data), .list([])]
    }

    /// keccak256(0x02 ‖ rlp(unsigned fields)): the digest the sender signs.
    public var signingHash: Bytes32 {
        var hasher = Keccak256Hasher()
        hasher.update([Self.type])
        hasher.update(RLP.encode(.list(unsignedFields)))
        return Bytes32(validated: hasher.finalize())
    }

    /// Signs with `key`; the result carries the raw bytes to broadcast and their hash.
    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(transaction: self, signature: key.sign(digest: signingHash), sender: key.address)
    }
}
