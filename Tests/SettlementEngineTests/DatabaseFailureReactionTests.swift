import PaymentModel
import PaymentStore
import Postgres
@testable import SettlementEngine
import XCTest

/// Which failed database work a request runs again, and what the client hears when it cannot
/// (issue 8, item 10): decided without a database.
final class DatabaseFailureReactionTests: XCTestCase {
    private let lost = PostgresError.connectionLost("server closed the connection unexpectedly\n\tThis probably means…")
    private let refused = PostgresError.connectionFailed("connection to server on socket \"/x\" failed: No such file or directory")
    private let shutdown = PostgresError.server(PostgresServerError(sqlState: "57P01", message: "terminating connection due to administrator command"))

    func testReadsAndEnqueuesRunOnceMoreAfterAnyConnectionFailure() {
        for work in [DatabaseWork.read, .enqueue] {
            for error in [lost, refused, shutdown] {
                XCTAssertEqual(DatabaseFailureReaction.decide(error, work: work, attempt: 1), .reconnectAndRetry, "\(work) \(error)")
                XCTAssertEqual(DatabaseFailureReaction.decide(StoreError.database(error), work: work, attempt: 1), .reconnectAndRetry)
            }
        }
    }

    func testAChangeRunsAgainOnlyWhenItNeverReachedTheServer() {
        XCTAssertEqual(DatabaseFailureReaction.decide(refused, work: .change, attempt: 1), .reconnectAndRetry)
        guard case .refuse(let refusal) = DatabaseFailureReaction.decide(lost, work: .change, attempt: 1) else {
            return XCTFail("a change whose connection was lost mid-way must not run twice unseen")
        }
        XCTAssertEqual(refusal.code, "database_unavailable")
        XCTAssertTrue(refusal.description.contains("may or may not have taken effect"), refusal.description)
    }

    func testTheSecondFailureIsRefusedWithARetryHintAndNoLibpqText() {
        guard case .refuse(let refusal) = DatabaseFailureReaction.decide(lost, work: .enqueue, attempt: 2) else {
            return XCTFail("one retry only")
        }
        XCTAssertEqual(refusal.code, "database_unavailable")
        XCTAssertTrue(refusal.description.contains("same idempotency_key"), refusal.description)
        XCTAssertFalse(refusal.description.contains("server closed"), refusal.description)
        guard case .refuse(let read) = DatabaseFailureReaction.decide(refused, work: .read, attempt: 2) else { return XCTFail() }
        XCTAssertTrue(read.description.contains("retry in a few seconds"), read.description)
        XCTAssertFalse(read.description.contains("socket"), read.description)
    }

    func testStatementFailuresAndEngineRefusalsAreAnsweredAsTheyAre() {
        let violation = PostgresError.server(PostgresServerError(sqlState: "23514", message: "check violation"))
        XCTAssertEqual(DatabaseFailureReaction.decide(violation, work: .read, attempt: 1),
                       .refuse(.unavailable(code: "database_error", message: violation.description)))
        XCTAssertEqual(DatabaseFailureReaction.decide(PaymentError.notFound(paymentID: "x"), work: .read, attempt: 1),
                       .refuse(.notFound(paymentID: "x")))
    }

    func testServerShutdownCodesAreConnectionFailures() {
        for state in ["57P01", "57P02", "57P03", "08006", "08001"] {
            let error = PostgresError.server(PostgresServerError(sqlState: state, message: "m"))
            XCTAssertTrue(error.isConnectionFailure, state)
            XCTAssertEqual(error.code, "database_unavailable", state)
        }
        XCTAssertFalse(PostgresError.server(PostgresServerError(sqlState: "23505", message: "m")).isConnectionFailure)
        XCTAssertFalse(refused.statementMayHaveRun)
        XCTAssertTrue(lost.statementMayHaveRun)
    }
}
