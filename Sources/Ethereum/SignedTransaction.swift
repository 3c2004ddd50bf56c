/// A signed EIP-1559 transaction: the bytes to broadcast, their hash, and who sent it.
///
/// The engine stores `raw` before broadcasting and rebroadcasts the same bytes after a crash;
/// `decode(raw:)` reads stored bytes back into fields, checks the signature as a node would
/// (low s, y parity 0/1) and recovers the sender, so a stored transaction can be trusted again.
public struct SignedTransaction: Sendable, Hashable {
    public let transaction: EIP1559Transaction
    public let signature: EthereumSignature
    /// The address that signed (for decoded transactions: recovered from the signature).
    public let sender: Address
    /// 0x02 ‖ rlp([... unsigned fields, yParity, r, s]).
    public let raw: [UInt8]
    /// keccak256(raw): the transaction hash nodes and explorers report.
    public let hash: Bytes32

    init(transaction: EIP1559Transaction, signature: EthereumSignature, sender: Address) {
        self.transaction = transaction
        self.signature = signature
        self.sender = sender
        let fields = transaction.unsignedFields + [
            .uint(UInt64(signature.yParity)), .uint(signature.r.uint256Value), .uint(signature.s.uint256Value),
        ]
        self.raw = [EIP1559Transaction.type] + RLP.encode(.list(fields))
        self.hash = Bytes32.keccak256(raw)
    }

    /// `0x` and the raw bytes in lowercase hex, as `eth_sendRawTransaction` takes them.
    public var rawHex: String { Hex.encode(raw) }

    /// Parses a signed type-2 transaction and recovers its sender. Refuses other transaction
    /// types, non-canonical RLP, a wrong field count, a non-empty access list, and signatures a
    /// node would refuse. Every failure is `invalid_transaction`.
    public static func decode(raw: [UInt8]) throws(EthereumError) -> SignedTransaction {
        guard let type = raw.first else { throw .invalidTransaction("no bytes") }
        guard type == EIP1559Transaction.type else {
            throw .invalidTransaction("type byte 0x\(Hex.encode([type], prefix: false)) is not 0x02 (EIP-1559)")
        }
        do throws(EthereumError) {
            let fields = try RLP.decode(Array(raw.dropFirst())).listValue("transaction")
            guard fields.count == 12 else { throw EthereumError.invalidRLP("a signed type-2 transaction has 12 fields, not \(fields.count)") }
            let toBytes = try fields[5].bytesValue("to")
            guard toBytes.isEmpty || toBytes.count == 20 else { throw EthereumError.invalidRLP("to is \(toBytes.count) bytes, not 20 or empty") }
            guard try fields[8].listValue("accessList").isEmpty else {
                throw EthereumError.invalidRLP("access lists are not supported (paymentd never sends one)")
            }
            let transaction = EIP1559Transaction(
                chainId: try fields[0].uint64Value("chainId"),
                nonce: try fields[1].uint64Value("nonce"),
                maxPriorityFeePerGas: try fields[2].uint256Value("maxPriorityFeePerGas"),
                maxFeePerGas: try fields[3].uint256Value("maxFeePerGas"),
                gasLimit: try fields[4].uint64Value("gasLimit"),
                to: toBytes.isEmpty ? nil : try Address(bytes: toBytes),
                value: try fields[6].uint256Value("value"),
                data: try fields[7].bytesValue("data"))
            let signature = try EthereumSignature(yParity: try fields[9].uint256Value("yParity"),
                                                  r: try fields[10].uint256Value("r"), s: try fields[11].uint256Value("s"))
            let sender = try signature.recoverSigner(digest: transaction.signingHash)
            return SignedTransaction(transaction: transaction, signature: signature, sender: sender)
        } catch {
            throw .invalidTransaction(error.description)
        }
    }

    /// `decode(raw:)` from `0x`-prefixed hex.
    public static func decode(rawHex: String) throws(EthereumError) -> SignedTransaction {
        let raw: [UInt8]
        do throws(EthereumError) {
            raw = try Hex.decode(rawHex)
        } catch {
            throw .invalidTransaction(error.description)
        }
        return try decode(raw: raw)
    }
}
