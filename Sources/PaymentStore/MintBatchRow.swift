import Ethereum
import Foundation
import Postgres

/// Where a batchMint transaction is in its life.
public enum MintBatchStatus: String, Sendable, Hashable {
    /// Signed and recorded; maybe not broadcast yet.
    case processing
    /// Broadcast; waiting for its receipt.
    case sent
    case completed
    /// Mined and reverted (its nonce is used).
    case reverted
    /// Can never mine (refused, or its nonce taken by another transaction).
    case abandoned
}

/// A batchMint transaction of ours and the jobs it carries.
public struct MintBatchRow: Sendable, Hashable {
    public var id: Int64
    public var token: Address
    public var signer: Address
    public var nonce: UInt64?
    public var rawTx: [UInt8]?
    public var txHash: Bytes32?
    public var attempts: [TransactionAttempt]
    public var status: MintBatchStatus
    public var jobIDs: [String]
    /// The jobs' dedupe hashes as stored (a legacy job's may be malformed).
    public var dedupeHashes: [String]
    public var createdAt: Date

    public init(id: Int64, token: Address, signer: Address, nonce: UInt64?, rawTx: [UInt8]?, txHash: Bytes32?,
                attempts: [TransactionAttempt], status: MintBatchStatus, jobIDs: [String], dedupeHashes: [String], createdAt: Date) {
        self.id = id
        self.token = token
        self.signer = signer
        self.nonce = nonce
        self.rawTx = rawTx
        self.txHash = txHash
        self.attempts = attempts
        self.status = status
        self.jobIDs = jobIDs
        self.dedupeHashes = dedupeHashes
        self.createdAt = createdAt
    }

    init(row: PostgresRow) throws(StoreError) {
        var reader = RowReader(row: row, table: "mint_batches")
        reader.id = try reader.string("id")
        id = try reader.int64("id")
        token = try reader.address("token_address")
        signer = try reader.address("signer")
        nonce = try reader.optionalUInt64("nonce")
        rawTx = try reader.optionalHex("raw_tx")
        txHash = try reader.optionalBytes32("tx_hash")
        attempts = try reader.optionalJSON("attempts_json", [TransactionAttempt].self) ?? []
        status = try reader.enumeration("status", MintBatchStatus.self)
        jobIDs = PostgresArrayText.parse(try reader.string("job_ids"))
        dedupeHashes = PostgresArrayText.parse(try reader.string("hashes"))
        createdAt = try reader.optionalEpoch("created_epoch") ?? Date(timeIntervalSince1970: 0)
    }

    public var allTransactionHashes: [Bytes32] {
        var hashes = attempts.map(\.hash)
        if let txHash, !hashes.contains(txHash) { hashes.append(txHash) }
        return hashes
    }
}
