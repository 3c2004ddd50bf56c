import ErrorCoding
import Postgres

/// Failures of the store: the database's, or a row that does not make sense.
public enum StoreError: CodedError, Equatable {
    case database(PostgresError)
    /// A row has a value paymentd cannot interpret (an unknown status, say). The row is left
    /// untouched for an operator to look at.
    case corruptRow(table: String, id: String, reason: String)

    public var code: String {
        switch self {
        case .database(let e): e.code
        case .corruptRow: "corrupt_row"
        }
    }

    public var description: String {
        switch self {
        case .database(let e): e.description
        case .corruptRow(let table, let id, let reason): "Row \(id) of \(table) cannot be read: \(reason)."
        }
    }

    /// Runs `body`, turning the wrapper's errors into store errors.
    @discardableResult
    static func wrap<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as PostgresError {
            throw .database(error)
        } catch {
            throw .corruptRow(table: "?", id: "?", reason: "\(error)")
        }
    }
}
