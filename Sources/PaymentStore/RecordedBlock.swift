import Ethereum
import Postgres

/// A block a stored settlement (or reverted receipt, or mint batch) was mined in: what the
/// reorg watcher compares with the canonical chain until it is final.
public struct RecordedBlock: Sendable, Hashable {
    public var number: UInt64
    public var hash: Bytes32

    public init(number: UInt64, hash: Bytes32) {
        self.number = number
        self.hash = hash
    }
}

extension RecordedBlock {
    /// Reads a `confirmed_block`, `confirmed_block_hash` pair.
    init(row: PostgresRow, table: String) throws(StoreError) {
        let reader = RowReader(row: row, table: table)
        guard let number = try reader.optionalUInt64("confirmed_block"), let hash = try reader.optionalBytes32("confirmed_block_hash") else {
            throw reader.corrupt("confirmed_block", "a settled block without its number or hash")
        }
        self.init(number: number, hash: hash)
    }
}
