import ErrorCoding
import PaymentModel
import PaymentStore
import Postgres

/// What a client request's database work is, as far as running it a second time goes.
enum DatabaseWork: Sendable, Equatable {
    /// Reads (`status`, `list`, `stats`, `settings`): a second run changes nothing.
    case read
    /// An enqueue's lookups and its insert: a second run finds the first one's row by its
    /// idempotency key or its authorization's unique index, so a payment is never queued twice.
    case enqueue
    /// Other changes (`cancel`, `retry`, `settings set`): run again only when the first attempt
    /// provably never reached the server.
    case change
}

/// What a request does when its database work failed: the decision, apart from the waiting
/// and the I/O (issue 8, item 10).
///
/// A PostgreSQL restart or failover kills every session at once. A request that meets a dead
/// session reconnects and runs once more where that is safe; only then is it refused, with
/// `database_unavailable` and a sentence that tells the client what to do — never libpq's text,
/// which goes to the log. Failures of the statement itself (a constraint, a bad row) are not
/// retried: running them again would fail the same way.
enum DatabaseFailureReaction: Equatable {
    /// Wait for the database to accept connections, then run the work once more.
    case reconnectAndRetry
    /// Answer the client with this error.
    case refuse(PaymentError)

    /// How many times one request's work runs at most.
    static let maximumAttempts = 2

    static func decide(_ error: any Error, work: DatabaseWork, attempt: Int) -> DatabaseFailureReaction {
        if let refusal = error as? PaymentError { return .refuse(refusal) }
        guard let connectionError = connectionFailure(error) else {
            if let coded = error as? any CodedError { return .refuse(.unavailable(code: coded.code, message: coded.description)) }
            return .refuse(.unavailable(code: "internal_error", message: "\(error)"))
        }
        let safe = work != .change || !connectionError.statementMayHaveRun
        if safe && attempt < maximumAttempts { return .reconnectAndRetry }
        return .refuse(unavailable(work, mayHaveRun: connectionError.statementMayHaveRun))
    }

    /// Whether a batch's refusal may be the fault of one of its rows (the statement failed, the
    /// session did not): splitting the batch then isolates that row. A lost database or a
    /// shutdown fails every part the same way, so it is not split.
    static func mayBeOneRowsFault(_ refusal: PaymentError) -> Bool {
        guard case .unavailable(let code, _) = refusal else { return false }
        return code != "database_unavailable"
    }

    /// The wrapper's error when `error` says the connection (not the statement) failed.
    static func connectionFailure(_ error: any Error) -> PostgresError? {
        let postgres: PostgresError
        switch error {
        case let error as PostgresError: postgres = error
        case StoreError.database(let error): postgres = error
        default: return nil
        }
        return postgres.isConnectionFailure ? postgres : nil
    }

    /// The refusal for a database that is still away after the reconnect.
    static func unavailable(_ work: DatabaseWork, mayHaveRun: Bool) -> PaymentError {
        let away = "The database is unavailable (it may be restarting or failing over)"
        let message = switch work {
        case .read:
            "\(away). Nothing was changed; retry in a few seconds."
        case .enqueue:
            "\(away); the payment may or may not have been queued. Retry in a few seconds with the same idempotency_key: "
                + "the same key or the same authorization is never queued twice."
        case .change where mayHaveRun:
            "\(away) and the connection was lost while the change ran: it may or may not have taken effect. "
                + "Check with status or settings, then retry in a few seconds."
        case .change:
            "\(away). Nothing was changed; retry in a few seconds."
        }
        return .unavailable(code: "database_unavailable", message: message)
    }
}
