/// The rows a statement returned, copied out of libpq's result in text format.
///
/// Values are the server's text representation (`NULL` is `nil`); typed accessors on
/// `PostgresRow` parse them and throw instead of guessing when a value does not fit.
public struct PostgresRows: Sendable {
    public let columns: [String]
    public let values: [[String?]]
    /// Rows inserted/updated/deleted for commands, or the row count for queries.
    public let affectedRows: Int

    public init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
    }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var first: PostgresRow? { values.isEmpty ? nil : PostgresRow(rows: self, index: 0) }
    public var rows: [PostgresRow] { values.indices.map { PostgresRow(rows: self, index: $0) } }

    func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }
}

/// One row of `PostgresRows`, read by column name.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    /// The raw text of a column; `nil` for SQL NULL. Throws when the column does not exist.
    public func text(_ column: String) throws(PostgresError) -> String? {
        guard let i = rows.columnIndex(column) else {
            throw .unexpectedResult("no column named \(column) (have \(rows.columns.joined(separator: ", ")))")
        }
        return rows.values[index][i]
    }

    /// A non-NULL text column.
    public func string(_ column: String) throws(PostgresError) -> String {
        guard let value = try text(column) else { throw .unexpectedResult("column \(column) is NULL") }
        return value
    }

    public func int64(_ column: String) throws(PostgresError) -> Int64 {
        let value = try string(column)
        guard let n = Int64(value) else { throw .unexpectedResult("column \(column) is not an integer: \(value)") }
        return n
    }

    public func optionalInt64(_ column: String) throws(PostgresError) -> Int64? {
        guard let value = try text(column) else { return nil }
        guard let n = Int64(value) else { throw .unexpectedResult("column \(column) is not an integer: \(value)") }
        return n
    }

    public func double(_ column: String) throws(PostgresError) -> Double {
        let value = try string(column)
        guard let n = Double(value) else { throw .unexpectedResult("column \(column) is not a number: \(value)") }
        return n
    }

    public func bool(_ column: String) throws(PostgresError) -> Bool {
        switch try string(column) {
        case "t", "true": return true
        case "f", "false": return false
        case let other: throw .unexpectedResult("column \(column) is not a boolean: \(other)")
        }
    }
}
