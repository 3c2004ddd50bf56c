import Foundation
import JSON
import PaymentModel
import Postgres

/// One `payment_queue` row as the engine works with it: the seed's columns plus paymentd's
/// settlement columns. Rows written by the replaced system read the same way; where they lack
/// something (a signer, a raw transaction) the field is nil.
public struct PaymentRow: Sendable, Hashable {
    public var id: String
    public var type: PaymentType
    public var tokenAddress: String?
    /// The stored authorization; nil when a legacy row's JSON does not have the x402 shape.
    public var authorization: AuthorizationPayload?
    public var payer: String
    public var amount: String
    public var paymentTokenAddress: String
    public var metadata: JSONValue?
    public var status: PaymentStatus
    public var txHash: String?
    public var result: JSONValue?
    public var error: String?
    /// Unix seconds.
    public var createdAt: Double
    public var processedAt: Double?
    public var sentAt: Double?
    public var idempotencyKey: String?
    public var authNonce: String?
    public var signer: String?
    public var nonce: Int64?
    /// 0x-hex signed transaction, stored before broadcast.
    public var rawTx: String?
    public var attempts: [TransactionAttempt]
    public var confirmedBlock: Int64?
    public var confirmedBlockHash: String?
    /// The logIndex of the settling `AuthorizationUsed` log (its `Transfer` is the next log).
    public var settlementLogIndex: Int64?
    /// The chain head when the payment was enqueued (nil for rows from before migration 010).
    public var enqueuedBlock: Int64?
    /// The settlement (or reverted receipt) is finality-depth deep: no more re-checks.
    public var finalized: Bool
    /// Set while a completed payment whose settlement a reorg removed is being restored.
    public var reorgedAt: Double?
    /// Why a reorged-out settlement could not be restored (the payment stays completed).
    public var settlementLost: String?
    /// Refusals in a row that may pass (balance short, unclassified node answers).
    public var transientFailures: Int

    /// The columns every payment query selects, in the shape `init(row:)` reads.
    static let columns = """
        id::text AS id, payment_type, token_address, "authorization"::text AS authorization_json, payer, amount,
        payment_token_address, metadata::text AS metadata_json, status, tx_hash, result::text AS result_json, error,
        extract(epoch FROM created_at)::float8 AS created_epoch, extract(epoch FROM processed_at)::float8 AS processed_epoch,
        extract(epoch FROM sent_at)::float8 AS sent_epoch, idempotency_key, auth_nonce, signer, nonce, raw_tx,
        attempts::text AS attempts_json, confirmed_block, confirmed_block_hash, settlement_log_index, enqueued_block,
        finalized, extract(epoch FROM reorged_at)::float8 AS reorged_epoch, settlement_lost, transient_failures
        """

    init(row: PostgresRow) throws(StoreError) {
        do {
            id = try row.string("id")
            let typeText = try row.string("payment_type")
            guard let type = PaymentType(rawValue: typeText) else { throw StoreError.corruptRow(table: "payment_queue", id: id, reason: "payment_type \(typeText)") }
            self.type = type
            let statusText = try row.string("status")
            guard let status = PaymentStatus(rawValue: statusText) else { throw StoreError.corruptRow(table: "payment_queue", id: id, reason: "status \(statusText)") }
            self.status = status
            tokenAddress = try row.text("token_address")
            authorization = try row.text("authorization_json").flatMap { try? JSONText.decode(AuthorizationPayload.self, from: Array($0.utf8)) }
            payer = try row.string("payer")
            amount = try row.string("amount")
            paymentTokenAddress = try row.string("payment_token_address")
            metadata = try row.text("metadata_json").flatMap { try? JSONText.decode(JSONValue.self, from: Array($0.utf8)) }
            txHash = try row.text("tx_hash")
            result = try row.text("result_json").flatMap { try? JSONText.decode(JSONValue.self, from: Array($0.utf8)) }
            error = try row.text("error")
            createdAt = try row.text("created_epoch").flatMap(Double.init) ?? 0
            processedAt = try row.text("processed_epoch").flatMap(Double.init)
            sentAt = try row.text("sent_epoch").flatMap(Double.init)
            idempotencyKey = try row.text("idempotency_key")
            authNonce = try row.text("auth_nonce")
            signer = try row.text("signer")
            nonce = try row.optionalInt64("nonce")
            rawTx = try row.text("raw_tx")
            attempts = try row.text("attempts_json").flatMap { try? JSONText.decode([TransactionAttempt].self, from: Array($0.utf8)) } ?? []
            confirmedBlock = try row.optionalInt64("confirmed_block")
            confirmedBlockHash = try row.text("confirmed_block_hash")
            settlementLogIndex = try row.optionalInt64("settlement_log_index")
            enqueuedBlock = try row.optionalInt64("enqueued_block")
            finalized = try row.bool("finalized")
            reorgedAt = try row.text("reorged_epoch").flatMap(Double.init)
            settlementLost = try row.text("settlement_lost")
            transientFailures = Int(try row.int64("transient_failures"))
        } catch let error as StoreError {
            throw error
        } catch let error as PostgresError {
            throw .database(error)
        } catch {
            throw .corruptRow(table: "payment_queue", id: "?", reason: "\(error)")
        }
    }

    /// A completed payment whose settlement a reorg removed and that is being restored.
    public var isRestoring: Bool { status == .completed && reorgedAt != nil && settlementLost == nil }

    /// Every hash broadcast for this payment, oldest first, plus the current one.
    public var allTransactionHashes: [String] {
        var hashes = attempts.map(\.hash)
        if let txHash, !hashes.contains(txHash) { hashes.append(txHash) }
        return hashes
    }
}

/// One broadcast of a transaction for a nonce: fee bumps and re-signs add attempts, and any
/// of them may be the one that mines.
public struct TransactionAttempt: Sendable, Hashable, Codable {
    public var hash: String
    public var nonce: Int64
    public var maxFeePerGas: String
    public var maxPriorityFeePerGas: String
    /// Unix seconds when it was signed.
    public var at: Double

    public init(hash: String, nonce: Int64, maxFeePerGas: String, maxPriorityFeePerGas: String, at: Double) {
        self.hash = hash
        self.nonce = nonce
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.at = at
    }

    private enum CodingKeys: String, CodingKey {
        case hash, nonce, at
        case maxFeePerGas = "max_fee"
        case maxPriorityFeePerGas = "tip"
    }
}
