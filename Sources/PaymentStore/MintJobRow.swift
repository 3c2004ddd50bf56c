import PaymentModel
import Postgres

/// One `mint_queue` row as the mint sender needs it. Legacy rows (no payment id) are included:
/// their dedupe hash, token and recipient are whatever the replaced system stored, so they are
/// kept as text here and judged job by job when a batch is planned (`MintBatchPlan`), where a
/// malformed one fails alone with its reason.
public struct MintJobRow: Sendable, Hashable {
    public var id: String
    public var paymentID: String?
    public var index: Int?
    public var recipient: String
    public var tokenAddress: String
    public var dedupeHash: String
    public var status: MintStatus
    public var batchID: Int64?
    public var mintTxHash: String?
    public var error: String?

    public init(id: String, paymentID: String?, index: Int?, recipient: String, tokenAddress: String, dedupeHash: String, status: MintStatus,
                batchID: Int64?, mintTxHash: String?, error: String?) {
        self.id = id
        self.paymentID = paymentID
        self.index = index
        self.recipient = recipient
        self.tokenAddress = tokenAddress
        self.dedupeHash = dedupeHash
        self.status = status
        self.batchID = batchID
        self.mintTxHash = mintTxHash
        self.error = error
    }

    static let columns = columns("mint_queue")

    /// The columns every job query selects, for the table under `alias`.
    static func columns(_ alias: String) -> String {
        """
        \(alias).id::text AS id, \(alias).payment_id::text AS payment_id, \(alias).item_index,
        coalesce(\(alias).recipient, \(alias).payer_address) AS recipient_address, \(alias).token_address, \(alias).tx_hash_bytes32,
        \(alias).status, \(alias).batch_id, \(alias).mint_tx_hash, \(alias).error_message
        """
    }

    init(row: PostgresRow) throws {
        id = try row.string("id")
        paymentID = try row.text("payment_id")
        index = try row.optionalInt64("item_index").map(Int.init)
        recipient = try row.string("recipient_address")
        tokenAddress = try row.text("token_address") ?? ""
        dedupeHash = try row.string("tx_hash_bytes32")
        let statusText = try row.string("status")
        guard let status = MintStatus(rawValue: statusText) else {
            throw StoreError.corruptRow(table: "mint_queue", id: id, reason: "status: \(statusText) is not a known value")
        }
        self.status = status
        batchID = try row.optionalInt64("batch_id")
        mintTxHash = try row.text("mint_tx_hash")
        error = try row.text("error_message")
    }
}
