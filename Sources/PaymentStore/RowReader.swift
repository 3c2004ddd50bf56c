import Ethereum
import Foundation
import JSON
import Postgres

/// Reads one database row into typed values, once, at the store's boundary: every column
/// that must be an address, a hash, a number or JSON is parsed here, and a value that is not
/// becomes `StoreError.corruptRow` naming the row, the column and the value, instead of a nil
/// or a string that code further down parses again.
struct RowReader {
    let row: PostgresRow
    let table: String
    /// The row's id once read, for error messages.
    var id = "?"

    init(row: PostgresRow, table: String) {
        self.row = row
        self.table = table
    }

    func corrupt(_ column: String, _ reason: String) -> StoreError {
        .corruptRow(table: table, id: id, reason: "\(column): \(reason)")
    }

    func text(_ column: String) throws(StoreError) -> String? {
        do { return try row.text(column) } catch { throw .database(error) }
    }

    func string(_ column: String) throws(StoreError) -> String {
        guard let value = try text(column) else { throw corrupt(column, "is null") }
        return value
    }

    func bool(_ column: String) throws(StoreError) -> Bool {
        do { return try row.bool(column) } catch { throw .database(error) }
    }

    func int64(_ column: String) throws(StoreError) -> Int64 {
        do { return try row.int64(column) } catch { throw .database(error) }
    }

    func optionalUInt64(_ column: String) throws(StoreError) -> UInt64? {
        let value: Int64?
        do { value = try row.optionalInt64(column) } catch { throw .database(error) }
        guard let value else { return nil }
        guard value >= 0 else { throw corrupt(column, "is negative (\(value))") }
        return UInt64(value)
    }

    func enumeration<T: RawRepresentable>(_ column: String, _ type: T.Type) throws(StoreError) -> T where T.RawValue == String {
        let value = try string(column)
        guard let parsed = T(rawValue: value) else { throw corrupt(column, "\(value) is not a known value") }
        return parsed
    }

    func address(_ column: String) throws(StoreError) -> Address {
        let value = try string(column)
        do { return try Address(hex: value) } catch { throw corrupt(column, "\(value) is not an address (\(error.description))") }
    }

    func optionalAddress(_ column: String) throws(StoreError) -> Address? {
        guard let value = try text(column) else { return nil }
        do { return try Address(hex: value) } catch { throw corrupt(column, "\(value) is not an address (\(error.description))") }
    }

    func optionalBytes32(_ column: String) throws(StoreError) -> Bytes32? {
        guard let value = try text(column) else { return nil }
        do { return try Bytes32(hex: value) } catch { throw corrupt(column, "\(value) is not 32 bytes of hex") }
    }

    func optionalHex(_ column: String) throws(StoreError) -> [UInt8]? {
        guard let value = try text(column) else { return nil }
        do { return try Hex.decode(value) } catch { throw corrupt(column, "is not hex") }
    }

    func decimal(_ column: String) throws(StoreError) -> UInt256 {
        let value = try string(column)
        guard let number = UInt256(decimal: value) else { throw corrupt(column, "\(value) is not a decimal integer") }
        return number
    }

    func optionalDecimal(_ column: String) throws(StoreError) -> UInt256? {
        guard try text(column) != nil else { return nil }
        return try decimal(column)
    }

    func optionalEpoch(_ column: String) throws(StoreError) -> Date? {
        guard let value = try text(column) else { return nil }
        guard let seconds = Double(value) else { throw corrupt(column, "\(value) is not a time") }
        return Date(timeIntervalSince1970: seconds)
    }

    /// JSON of `type`; `lenient`: a value of another shape reads as nil (the caller records why).
    func optionalJSON<T: Decodable>(_ column: String, _ type: T.Type, lenient: Bool = false) throws(StoreError) -> T? {
        guard let value = try text(column) else { return nil }
        do {
            return try JSONText.decode(T.self, from: Array(value.utf8))
        } catch {
            if lenient { return nil }
            throw corrupt(column, "is not the expected JSON (\(error))")
        }
    }
}

/// A row a query found but could not read: the loops report it and step around it.
public struct UnreadableRow: Sendable, Equatable {
    public var id: String
    public var error: StoreError

    public init(id: String, error: StoreError) {
        self.id = id
        self.error = error
    }
}

/// What a query over many rows returns: the rows it could read, and the ones it could not.
public struct RowBatch<Row: Sendable & Equatable>: Sendable, Equatable {
    public var rows: [Row]
    public var unreadable: [UnreadableRow]

    public init(rows: [Row] = [], unreadable: [UnreadableRow] = []) {
        self.rows = rows
        self.unreadable = unreadable
    }

    /// Reads each row with `read`, collecting the ones that fail.
    static func read(_ rows: [PostgresRow], _ read: (PostgresRow) throws(StoreError) -> Row) throws(StoreError) -> RowBatch {
        var batch = RowBatch()
        for row in rows {
            do throws(StoreError) {
                batch.rows.append(try read(row))
            } catch {
                if case .database = error { throw error }
                let id = (try? row.text("id")).flatMap { $0 } ?? "?"
                batch.unreadable.append(UnreadableRow(id: id, error: error))
            }
        }
        return batch
    }
}
