import Foundation
import JSON
@testable import MintServer
import PaymentModel
import XCTest

/// The event stream's framing and when it has nothing more to say.
final class PaymentEventStreamTests: XCTestCase {
    private func snapshot(_ status: PaymentStatus, mints: [MintStatus] = [], restoring: Bool = false) -> PaymentSnapshot {
        PaymentSnapshot(paymentID: "p", type: .mint, status: status, payer: "0x1", amount: "1", paymentToken: "0x2", token: "0x3",
                        txHash: nil, error: nil, createdAt: Date(timeIntervalSince1970: 0), processedAt: nil,
                        mints: mints.enumerated().map { MintSnapshot(index: $0.offset, recipient: "0x1", status: $0.element, dedupeHash: "0x4",
                                                                     txHash: nil, error: nil) },
                        restoring: restoring)
    }

    func testAFrameIsOneEventWithOneJSONLineOfData() {
        XCTAssertEqual(PaymentEventStream.frame("end", ["status": "completed"]), "event: end\ndata: {\"status\":\"completed\"}\n\n")
    }

    func testThePaymentIsDoneWhenItFailedOrEveryMintIsMadeOrFailed() {
        XCTAssertFalse(PaymentEventStream.isDone(snapshot(.pending)))
        XCTAssertFalse(PaymentEventStream.isDone(snapshot(.sent)))
        XCTAssertFalse(PaymentEventStream.isDone(snapshot(.completed, mints: [.completed, .pending])), "a mint still to come")
        XCTAssertFalse(PaymentEventStream.isDone(snapshot(.completed, mints: [.completed], restoring: true)), "being restored after a reorg")
        XCTAssertTrue(PaymentEventStream.isDone(snapshot(.completed, mints: [.completed, .failed])))
        XCTAssertTrue(PaymentEventStream.isDone(snapshot(.failed)))
        XCTAssertTrue(PaymentEventStream.isDone(snapshot(.confirmationFailed)))
    }
}
