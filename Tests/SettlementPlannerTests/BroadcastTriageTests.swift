import ChainClient
import Ethereum
import PaymentStore
@testable import SettlementEngine
import XCTest

/// Every node answer to a broadcast becomes exactly one store action.
final class BroadcastTriageTests: XCTestCase {
    private func record(_ n: UInt8) -> SignedPaymentTransaction {
        SignedPaymentTransaction(paymentID: "00000000-0000-4000-8000-0000000000\(n < 10 ? "0" : "")\(n)", signer: Fixtures.signer, nonce: UInt64(n),
                                 rawTx: [n], attempt: TransactionAttempt(hash: Fixtures.hash(n), nonce: UInt64(n), maxFeePerGas: 1,
                                                                       maxPriorityFeePerGas: 1, at: 0))
    }

    private func refused(_ message: String, code: Int = -32000) -> BroadcastOutcome {
        BroadcastOutcome(error: RPCErrorObject(code: code, message: message))
    }

    func testFreshTransactionsAreFiledByTheAnswer() {
        let records = (1...7).map(record)
        let outcomes: [BroadcastOutcome] = [
            .accepted(Fixtures.hash(1)), refused("nonce too low"), refused("transaction underpriced"),
            refused("insufficient funds for gas * price + value"), refused("invalid sender"), refused("something nobody classified"),
            refused("internal error", code: -32603),
        ]
        let triage = BroadcastTriage(records, outcomes: outcomes, leftovers: false)
        XCTAssertEqual(triage.sent.map(\.nonce), [1, 2], "accepted, and a nonce taken by a transaction that may be ours")
        XCTAssertEqual(triage.takenBack.map(\.id), [records[2].paymentID, records[3].paymentID])
        XCTAssertTrue(triage.priceRefused)
        XCTAssertEqual(triage.paused.keys.sorted { $0.lowercaseHex < $1.lowercaseHex }, [Fixtures.signer])
        XCTAssertEqual(triage.failed.map(\.id), [records[4].paymentID])
        XCTAssertEqual(triage.deferred.map(\.id), [records[5].paymentID], "an unclassified refusal waits and is tried again")
        XCTAssertEqual(triage.unknown.map(\.record.nonce), [7], "a node failure keeps the bytes for another broadcast")
        XCTAssertEqual(triage.released.map(\.nonce), [3, 4, 5, 6])
    }

    func testLeftoversAreNeverTakenBackOrFailed() {
        let records = (1...3).map(record)
        let triage = BroadcastTriage(records, outcomes: [refused("invalid sender"), refused("transaction underpriced"),
                                                         refused("insufficient funds for gas * price + value")], leftovers: true)
        XCTAssertEqual(triage.sent.count, 3, "they may have been accepted before: the confirmer decides from receipts")
        XCTAssertTrue(triage.released.isEmpty)
        XCTAssertEqual(triage.paused.count, 1, "a signer out of gas money is paused all the same")
    }
}
