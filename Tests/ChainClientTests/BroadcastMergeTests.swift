@testable import ChainClient
import Ethereum
import HTTPPost
import XCTest

/// One broadcast, several endpoints: the merged answer keeps `BroadcastVerdict`'s meaning
/// (issue 8, item 8). A transaction one endpoint holds is in the pool; a refusal counts only
/// when no endpoint asked may hold it.
final class BroadcastMergeTests: XCTestCase {
    private let hash = try! Bytes32(hex: "0x" + String(repeating: "ab", count: 32))
    private func refused(_ message: String) -> BroadcastOutcome { BroadcastOutcome(error: RPCErrorObject(code: -32000, message: message)) }
    private var lost: BroadcastOutcome {
        .noAnswer(from: "http://127.0.0.1:1", .transport(.transport(curlCode: 7, message: "Couldn't connect to server")))
    }

    func testAcceptedByAnyEndpointIsAccepted() {
        for other in [refused("insufficient funds for gas * price + value"), refused("invalid sender"), lost,
                      refused("already known"), refused("nonce too low")] {
            XCTAssertEqual(BroadcastOutcome.merged([other, .accepted(hash)]), .accepted(hash), "\(other)")
            XCTAssertEqual(BroadcastOutcome.merged([.accepted(hash), other]), .accepted(hash), "\(other)")
        }
    }

    func testKnownToAnyEndpointIsInThePool() {
        let merged = BroadcastOutcome.merged([refused("replacement transaction underpriced"), refused("already known"), lost])
        XCTAssertEqual(merged?.rejection, .alreadyKnown)
        XCTAssertTrue(merged?.isInPool == true)
    }

    func testAnEndpointThatMayHoldTheTransactionOutweighsARefusal() {
        let merged = BroadcastOutcome.merged([refused("max fee per gas less than block base fee"), lost])
        guard case .indeterminate(let error)? = merged else { return XCTFail("\(String(describing: merged))") }
        XCTAssertTrue(error.message.contains("no answer from http://127.0.0.1:1"), error.message)
        let nodeFailure = BroadcastOutcome(error: RPCErrorObject(code: -32603, message: "internal error"))
        XCTAssertEqual(BroadcastOutcome.merged([refused("invalid sender"), nodeFailure]), nodeFailure)
    }

    func testATakenNonceOutweighsNotKnowing() {
        XCTAssertEqual(BroadcastOutcome.merged([lost, refused("nonce too low")])?.rejection, .nonceTooLow)
    }

    func testWhenEveryEndpointRefusesTheMildestRefusalCounts() {
        XCTAssertEqual(BroadcastOutcome.merged([refused("invalid sender"), refused("insufficient funds"), refused("transaction underpriced")])?
            .rejection, .underpriced, "a refusal that passes (fees) before one that pauses the signer, before one that fails the work")
        XCTAssertEqual(BroadcastOutcome.merged([refused("something odd"), refused("insufficient funds")])?.rejection, .insufficientFunds)
        XCTAssertEqual(BroadcastOutcome.merged([refused("invalid sender"), refused("something odd")])?.rejection, .other,
                       "an unclassified refusal is not proof that the transaction is wrong")
        XCTAssertEqual(BroadcastOutcome.merged([refused("invalid sender")])?.rejection, .invalidSender, "one endpoint: its answer")
        XCTAssertNil(BroadcastOutcome.merged([]))
    }
}
