import ErrorCoding
import PaymentStore
import Postgres

/// Why `payctl migrate` or `check-upgrade` could not do its job; each says what to do.
public enum SchemaUpgradeError: CodedError {
    /// The database has no `payment_queue`: not the replaced system's nor paymentd's.
    case notAPaymentDatabase
    /// The migrations' history refuses an upgrade (the daemon would refuse to start too).
    case migrations(MigrationError)
    case database(PostgresError)

    public var code: String {
        switch self {
        case .notAPaymentDatabase: "not_a_payment_database"
        case .migrations(let error): error.code
        case .database(let error): error.code
        }
    }

    public var description: String {
        switch self {
        case .notAPaymentDatabase:
            "The database has no payment_queue table: it is neither the replaced system's nor paymentd's. Check --database-url."
        case .migrations(let error):
            error.description
        case .database(let error):
            "\(error.description) Check --database-url and that PostgreSQL accepts connections."
        }
    }
}
