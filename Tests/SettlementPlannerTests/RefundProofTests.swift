import ChainClient
import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import XCTest

/// `RefundProof`: what a charged buyer is owed for mints that failed, and which receipts prove
/// he was paid back (issue 16, scenario 7).
final class RefundProofTests: XCTestCase {
    private let tx = Fixtures.hash(0xEE)
    private let other = Fixtures.address(0x99)

    private func transfer(to: Address, _ value: UInt256, token: Address = Fixtures.usdc, index: UInt64 = 0) -> LogEntry {
        LogEntry(address: token, topics: [EventTopic.transfer, Fixtures.topic(Fixtures.receiver), Fixtures.topic(to)], data: ABIWord.uint256(value),
                 blockNumber: 95, blockHash: Fixtures.hash(95), transactionHash: tx, transactionIndex: 0, logIndex: index, removed: false)
    }

    private func judge(_ receipt: TransactionReceipt?, head: UInt64 = 100, confirmations: Int = 1, due: UInt256 = 3_000) -> RefundProof.Verdict {
        RefundProof.judge(receipt, head: head, confirmationsRequired: confirmations, paymentToken: Fixtures.usdc, payer: Fixtures.payer, due: due)
    }

    func testWhatIsOwedIsThePriceOfEachFailedItem() {
        XCTAssertNil(RefundProof.due(amount: 3_000, mints: [.completed, .pending, .processing]))
        XCTAssertNil(RefundProof.due(amount: 3_000, mints: []))
        XCTAssertEqual(RefundProof.due(amount: 3_000, mints: [.completed, .failed, .failed]), 2_000)
        XCTAssertEqual(RefundProof.due(amount: 3_000, mints: [.failed, .failed, .failed]), 3_000)
    }

    func testATransferOfTheTokenToThePayerOfAtLeastWhatIsOwedProvesTheRefund() {
        XCTAssertEqual(judge(Fixtures.receipt(tx, block: 95, logs: [transfer(to: Fixtures.payer, 3_000)])), .proven(amount: 3_000))
        XCTAssertEqual(judge(Fixtures.receipt(tx, block: 95, logs: [transfer(to: Fixtures.payer, 5_000)])), .proven(amount: 5_000), "more is fine")
        // Paid in two transfers of one transaction, beside a transfer to someone else.
        let split = [transfer(to: Fixtures.payer, 1_000, index: 0), transfer(to: other, 9_000, index: 1), transfer(to: Fixtures.payer, 2_000, index: 2)]
        XCTAssertEqual(judge(Fixtures.receipt(tx, block: 95, logs: split)), .proven(amount: 3_000))
        XCTAssertEqual(judge(Fixtures.receipt(tx, block: 98, logs: [transfer(to: Fixtures.payer, 3_000)]), confirmations: 3), .proven(amount: 3_000),
                       "blocks 98, 99 and 100: three deep")
    }

    func testAnythingElseIsNoRefundAndSaysWhy() {
        func reason(_ verdict: RefundProof.Verdict) -> String {
            if case .unproven(let why) = verdict { return why }
            return "proven"
        }
        XCTAssertTrue(reason(judge(nil)).contains("not mined"))
        XCTAssertTrue(reason(judge(Fixtures.receipt(tx, block: 95, succeeded: false, logs: []))).contains("reverted"))
        XCTAssertTrue(reason(judge(Fixtures.receipt(tx, block: 99, logs: [transfer(to: Fixtures.payer, 3_000)]), confirmations: 3))
            .contains("2 of 3 blocks deep"))
        XCTAssertTrue(reason(judge(Fixtures.receipt(tx, block: 95, logs: [transfer(to: other, 3_000)]))).contains("transfers no"))
        XCTAssertTrue(reason(judge(Fixtures.receipt(tx, block: 95, logs: [transfer(to: Fixtures.payer, 3_000, token: Fixtures.mintToken)])))
            .contains("transfers no"), "another token's transfer pays nothing back")
        XCTAssertTrue(reason(judge(Fixtures.receipt(tx, block: 95, logs: [transfer(to: Fixtures.payer, 2_999)]))).contains("less than the 3000 owed"))
    }
}
