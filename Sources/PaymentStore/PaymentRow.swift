import Ethereum
import Foundation
import JSON
import PaymentModel
import Postgres

/// One `payment_queue` row as the engine works with it, parsed once here into typed values:
/// the seed's columns plus paymentd's settlement columns. Rows written by the replaced system
/// read the same way; where they lack something (a signer, a raw transaction) the field is nil.
///
/// A row whose core columns cannot be read (an address that is not one, an amount that is no
/// number) does not become a `PaymentRow`: the query reports it as an `UnreadableRow`, and the
/// loops step around it. A legacy row whose stored authorization has another shape is still a
/// row (it can settle by its own receipt); `authorizationProblem` says why it has no `transfer`.
public struct PaymentRow: Sendable, Hashable {
    public var id: String
    public var type: PaymentType
    public var status: PaymentStatus
    /// The mint contract bought from (`token_address`).
    public var token: Address?
    public var payer: Address
    public var amount: UInt256
    public var paymentToken: Address
    /// The authorization as stored (the replaced system's shape), for snapshots and retries.
    public var authorization: AuthorizationPayload?
    /// The authorization as typed values; nil when the stored one cannot be read.
    public var transfer: TransferWithAuthorization?
    /// Its signature; nil when missing or unreadable (such a row can still settle, not be relayed).
    public var signature: EthereumSignature?
    /// Why `transfer` or `signature` is nil.
    public var authorizationProblem: String?
    public var metadata: JSONValue?
    /// Who receives the tokens bought: `metadata.recipient`, or the payer.
    public var recipient: Address
    /// How many items were bought: `metadata.quantity`, or 1.
    public var quantity: Int
    public var txHash: Bytes32?
    public var result: JSONValue?
    public var error: String?
    public var createdAt: Date
    public var processedAt: Date?
    public var sentAt: Date?
    public var idempotencyKey: String?
    public var signer: Address?
    public var nonce: UInt64?
    /// The signed transaction, stored before broadcast.
    public var rawTx: [UInt8]?
    public var attempts: [TransactionAttempt]
    public var confirmedBlock: UInt64?
    public var confirmedBlockHash: Bytes32?
    /// The logIndex of the settling `AuthorizationUsed` log (its `Transfer` is the next log).
    public var settlementLogIndex: UInt64?
    /// The chain head when the payment was enqueued (nil for rows from before migration 010).
    public var enqueuedBlock: UInt64?
    /// The settlement (or reverted receipt) is finality-depth deep: no more re-checks.
    public var finalized: Bool
    /// Set while a completed payment whose settlement a reorg removed is being restored.
    public var reorgedAt: Date?
    /// Why a reorged-out settlement could not be restored (the payment stays completed).
    public var settlementLost: String?
    /// Refusals in a row that may pass (balance short, unclassified node answers).
    public var transientFailures: Int
    /// A failed payment (or a lost settlement) the chain can no longer change: no longer watched.
    public var watchClosed: Bool
    /// How many times the payment was signed again after its own transaction reverted.
    public var revertRetries: Int
    /// The gas limit of its next transaction when raised above `transfer_gas_limit` (it ran out of gas).
    public var gasLimit: UInt64?
    /// The transaction that paid the buyer back for what could not be minted, and how much.
    public var refundTxHash: Bytes32?
    public var refundAmount: UInt256?

    public init(id: String, type: PaymentType = .mint, status: PaymentStatus, token: Address? = nil, payer: Address, amount: UInt256,
                paymentToken: Address, authorization: AuthorizationPayload? = nil, metadata: JSONValue? = nil, createdAt: Date = Date()) {
        self.id = id
        self.type = type
        self.status = status
        self.token = token
        self.payer = payer
        self.amount = amount
        self.paymentToken = paymentToken
        self.authorization = authorization
        (transfer, signature, authorizationProblem) = Self.parse(authorization)
        self.metadata = metadata
        recipient = metadata?["recipient"]?.stringValue.flatMap { try? Address(hex: $0) } ?? payer
        quantity = Int(metadata?["quantity"]?.intValue ?? 1)
        self.createdAt = createdAt
        attempts = []
        finalized = false
        transientFailures = 0
        watchClosed = false
        revertRetries = 0
    }

    /// The columns every payment query selects, in the shape `init(row:)` reads.
    static let columns = columns("payment_queue")

    /// The same columns, for the table under `alias`.
    static func columns(_ a: String) -> String {
        """
        \(a).id::text AS id, \(a).payment_type, \(a).token_address, \(a)."authorization"::text AS authorization_json, \(a).payer, \(a).amount,
        \(a).payment_token_address, \(a).metadata::text AS metadata_json, \(a).status, \(a).tx_hash, \(a).result::text AS result_json, \(a).error,
        extract(epoch FROM \(a).created_at)::float8 AS created_epoch, extract(epoch FROM \(a).processed_at)::float8 AS processed_epoch,
        extract(epoch FROM \(a).sent_at)::float8 AS sent_epoch, \(a).idempotency_key, \(a).signer, \(a).nonce, \(a).raw_tx,
        \(a).attempts::text AS attempts_json, \(a).confirmed_block, \(a).confirmed_block_hash, \(a).settlement_log_index, \(a).enqueued_block,
        \(a).finalized, extract(epoch FROM \(a).reorged_at)::float8 AS reorged_epoch, \(a).settlement_lost, \(a).transient_failures,
        \(a).watch_closed_at IS NOT NULL AS watch_closed, \(a).revert_retries, \(a).gas_limit, \(a).refund_tx_hash, \(a).refund_amount
        """
    }

    init(row: PostgresRow) throws(StoreError) {
        var reader = RowReader(row: row, table: "payment_queue")
        id = try reader.string("id")
        reader.id = id
        type = try reader.enumeration("payment_type", PaymentType.self)
        status = try reader.enumeration("status", PaymentStatus.self)
        token = try reader.optionalAddress("token_address")
        payer = try reader.address("payer")
        amount = try reader.decimal("amount")
        paymentToken = try reader.address("payment_token_address")
        authorization = try reader.optionalJSON("authorization_json", AuthorizationPayload.self, lenient: true)
        (transfer, signature, authorizationProblem) = Self.parse(authorization)
        if authorization == nil, try reader.text("authorization_json") != nil {
            authorizationProblem = "the stored authorization does not have the x402 shape"
        }
        metadata = try reader.optionalJSON("metadata_json", JSONValue.self)
        if let text = metadata?["recipient"]?.stringValue {
            do { recipient = try Address(hex: text) } catch { throw reader.corrupt("metadata.recipient", "\(text) is not an address") }
        } else {
            recipient = payer
        }
        quantity = Int(metadata?["quantity"]?.intValue ?? 1)
        txHash = try reader.optionalBytes32("tx_hash")
        result = try reader.optionalJSON("result_json", JSONValue.self)
        error = try reader.text("error")
        createdAt = try reader.optionalEpoch("created_epoch") ?? Date(timeIntervalSince1970: 0)
        processedAt = try reader.optionalEpoch("processed_epoch")
        sentAt = try reader.optionalEpoch("sent_epoch")
        idempotencyKey = try reader.text("idempotency_key")
        signer = try reader.optionalAddress("signer")
        nonce = try reader.optionalUInt64("nonce")
        rawTx = try reader.optionalHex("raw_tx")
        attempts = try reader.optionalJSON("attempts_json", [TransactionAttempt].self) ?? []
        confirmedBlock = try reader.optionalUInt64("confirmed_block")
        confirmedBlockHash = try reader.optionalBytes32("confirmed_block_hash")
        settlementLogIndex = try reader.optionalUInt64("settlement_log_index")
        enqueuedBlock = try reader.optionalUInt64("enqueued_block")
        finalized = try reader.bool("finalized")
        reorgedAt = try reader.optionalEpoch("reorged_epoch")
        settlementLost = try reader.text("settlement_lost")
        transientFailures = Int(try reader.int64("transient_failures"))
        watchClosed = try reader.bool("watch_closed")
        revertRetries = Int(try reader.int64("revert_retries"))
        gasLimit = try reader.optionalUInt64("gas_limit")
        refundTxHash = try reader.optionalBytes32("refund_tx_hash")
        refundAmount = try reader.optionalDecimal("refund_amount")
    }

    /// A completed payment whose settlement a reorg removed and that is being restored.
    public var isRestoring: Bool { status == .completed && reorgedAt != nil && settlementLost == nil }

    /// Every hash broadcast for this payment, oldest first, plus the current one.
    public var allTransactionHashes: [Bytes32] {
        var hashes = attempts.map(\.hash)
        if let txHash, !hashes.contains(txHash) { hashes.append(txHash) }
        return hashes
    }

    /// The signer and nonce this row's transactions use, once assigned.
    public var relaySlot: (signer: Address, nonce: UInt64)? {
        guard let signer, let nonce else { return nil }
        return (signer, nonce)
    }

    /// The authorization's deadline in unix seconds (saturated), when it can be read.
    public var validBefore: UInt64? { transfer.map { $0.validBefore.uint64Value ?? .max } }

    /// The typed authorization and signature of a stored one, or why there is none.
    static func parse(_ payload: AuthorizationPayload?) -> (TransferWithAuthorization?, EthereumSignature?, String?) {
        guard let payload else { return (nil, nil, nil) }
        do throws(EthereumError) {
            guard let transfer = try payload.transferWithAuthorization() else {
                return (nil, nil, "the stored authorization's value or validity window is not a decimal number")
            }
            do throws(EthereumError) {
                guard let signature = try payload.parsedSignature() else {
                    return (transfer, nil, "the stored authorization has no signature")
                }
                return (transfer, signature, nil)
            } catch {
                return (transfer, nil, "the stored signature cannot be read: \(error.description)")
            }
        } catch {
            return (nil, nil, "the stored authorization cannot be read: \(error.description)")
        }
    }
}

extension AuthorizationPayload {
    /// The EIP-3009 authorization this payload spells; nil when its value or validity window is
    /// not a decimal number, an error when an address or the nonce is not hex of its size.
    public func transferWithAuthorization() throws(EthereumError) -> TransferWithAuthorization? {
        guard let value = UInt256(decimal: value), let validAfter = UInt256(decimal: validAfter),
              let validBefore = UInt256(decimal: validBefore) else { return nil }
        return TransferWithAuthorization(from: try Address(hex: from), to: try Address(hex: to), value: value,
                                         validAfter: validAfter, validBefore: validBefore, nonce: try Bytes32(hex: nonce))
    }

    /// The signature in whichever form was given (65-byte `signature`, or `v`/`r`/`s` with v
    /// 0/1/27/28); nil when neither form is complete.
    public func parsedSignature() throws(EthereumError) -> EthereumSignature? {
        if let signature { return try EthereumSignature(hex: signature) }
        guard let v, let r, let s else { return nil }
        return try EthereumSignature(v: v, r: r, s: s)
    }
}

/// One broadcast of a transaction for a nonce: fee bumps and re-signs add attempts, and any
/// of them may be the one that mines. Stored as `{hash, nonce, max_fee, tip, at}` (fees as
/// decimal strings, `at` in unix seconds).
public struct TransactionAttempt: Sendable, Hashable, Codable {
    public var hash: Bytes32
    public var nonce: UInt64
    public var maxFeePerGas: UInt256
    public var maxPriorityFeePerGas: UInt256
    /// Unix seconds when it was signed.
    public var at: Double

    public init(hash: Bytes32, nonce: UInt64, maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256, at: Double) {
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
