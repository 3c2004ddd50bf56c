import ChainClient
import Ethereum
@testable import SettlementEngine
import XCTest

/// A settlement is this authorization's AuthorizationUsed and, as the next log of the same
/// token, the Transfer(payer → recipient, value) emitted with it; nothing else counts.
final class SettlementPairTests: XCTestCase {
    private let tx = Fixtures.hash(0xA1)

    func testTheAdjacentPairIsFound() {
        let transfer = Fixtures.transfer()
        let receipt = Fixtures.receipt(tx, block: 5, logs: Fixtures.settlementLogs(transfer, tx: tx, block: 5, logIndex: 7))
        XCTAssertEqual(SettlementPair.find(in: receipt, token: Fixtures.usdc, authorization: transfer),
                       SettlementPair(transactionHash: tx, blockNumber: 5, blockHash: Fixtures.hash(5), logIndex: 7))
    }

    /// The drill that minted unpaid: authorization 1 pays us, authorization 2's nonce is spent
    /// on 1 unit to the payer, in one receipt. Only authorization 1 has a pair.
    func testATransferToUsNextToAnotherAuthorizationPaysOnlyThatOne() {
        let first = Fixtures.transfer(nonce: 1)
        let second = Fixtures.transfer(nonce: 2)
        let logs = Fixtures.settlementLogs(first, tx: tx, block: 5, logIndex: 0)
            + Fixtures.settlementLogs(second, to: Fixtures.payer, value: 1, tx: tx, block: 5, logIndex: 2)
        let receipt = Fixtures.receipt(tx, block: 5, logs: logs)
        XCTAssertEqual(SettlementPair.find(in: receipt, token: Fixtures.usdc, authorization: first)?.logIndex, 0)
        XCTAssertNil(SettlementPair.find(in: receipt, token: Fixtures.usdc, authorization: second))
    }

    func testAWrongValueOrRecipientOrTokenOrAFailedReceiptIsNoPair() {
        let transfer = Fixtures.transfer()
        let short = Fixtures.settlementLogs(transfer, value: 999_999, tx: tx, block: 5, logIndex: 0)
        XCTAssertNil(SettlementPair.find(in: Fixtures.receipt(tx, block: 5, logs: short), token: Fixtures.usdc, authorization: transfer))
        let elsewhere = Fixtures.settlementLogs(transfer, to: Fixtures.address(0x99), tx: tx, block: 5, logIndex: 0)
        XCTAssertNil(SettlementPair.find(in: Fixtures.receipt(tx, block: 5, logs: elsewhere), token: Fixtures.usdc, authorization: transfer))
        let otherToken = Fixtures.settlementLogs(transfer, token: Fixtures.address(0x42), tx: tx, block: 5, logIndex: 0)
        XCTAssertNil(SettlementPair.find(in: Fixtures.receipt(tx, block: 5, logs: otherToken), token: Fixtures.usdc, authorization: transfer))
        let reverted = Fixtures.receipt(tx, block: 5, succeeded: false, logs: Fixtures.settlementLogs(transfer, tx: tx, block: 5, logIndex: 0))
        XCTAssertNil(SettlementPair.find(in: reverted, token: Fixtures.usdc, authorization: transfer))
    }

    func testATransferThatIsNotTheVeryNextLogIsNoPair() {
        let transfer = Fixtures.transfer()
        var logs = Fixtures.settlementLogs(transfer, tx: tx, block: 5, logIndex: 0)
        let unrelated = LogEntry(address: Fixtures.usdc, topics: [EventTopic.transfer, Fixtures.topic(Fixtures.address(1)), Fixtures.topic(Fixtures.address(2))],
                                 data: ABIWord.uint256(5), blockNumber: 5, blockHash: Fixtures.hash(5), transactionHash: tx, transactionIndex: 0,
                                 logIndex: 1, removed: false)
        let shifted = LogEntry(address: logs[1].address, topics: logs[1].topics, data: logs[1].data, blockNumber: 5, blockHash: Fixtures.hash(5),
                               transactionHash: tx, transactionIndex: 0, logIndex: 2, removed: false)
        logs = [logs[0], unrelated, shifted]
        XCTAssertNil(SettlementPair.find(in: Fixtures.receipt(tx, block: 5, logs: logs), token: Fixtures.usdc, authorization: transfer))
    }
}
