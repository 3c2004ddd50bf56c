@testable import ChainClient
import XCTest

/// Each node's refusal sentences map to the same classification.
final class BroadcastRejectionTests: XCTestCase {
    func testGethAnvilErigonAndNethermindPhrasesAreClassified() {
        let cases: [(String, BroadcastRejection)] = [
            ("already known", .alreadyKnown),
            ("known transaction: 0xabc", .alreadyKnown),
            ("AlreadyKnown", .alreadyKnown),
            ("transaction already imported", .alreadyKnown),
            ("nonce too low", .nonceTooLow),
            ("nonce too low: next nonce 5, tx nonce 4", .nonceTooLow),
            ("OldNonce, Current nonce: 5, nonce of rejected tx: 4", .nonceTooLow),
            ("nonce too high", .nonceTooHigh),
            ("replacement transaction underpriced", .replacementUnderpriced),
            ("ReplacementUnderpriced", .replacementUnderpriced),
            ("insufficient funds for gas * price + value", .insufficientFunds),
            ("Insufficient funds for gas * price + value: address 0x… have 0 want 1", .insufficientFunds),
            ("transaction underpriced", .underpriced),
            ("transaction underpriced: tip needed 1, tip permitted 0", .underpriced),
            ("max fee per gas less than block base fee: address 0x…, maxFeePerGas: 1, baseFee: 7", .feeCapBelowBaseFee),
            ("FeeCapTooLow", .feeCapBelowBaseFee),
            ("max priority fee per gas higher than max fee per gas", .tipAboveFeeCap),
            ("exceeds block gas limit", .gasLimitExceeded),
            ("intrinsic gas too low: gas 21000, minimum needed 21500", .intrinsicGasTooLow),
            ("invalid sender: invalid chain id for signer", .invalidSender),
            ("rlp: RLP string too short", .other),
        ]
        for (message, expected) in cases {
            XCTAssertEqual(BroadcastRejection(message: message), expected, message)
        }
    }

    func testNodeFailuresAreIndeterminateButRefusalsAreNot() {
        let internalError = RPCErrorObject(code: -32603, message: "devchain: injected failure")
        XCTAssertEqual(BroadcastOutcome(error: internalError), .indeterminate(internalError))
        let refusal = RPCErrorObject(code: -32000, message: "nonce too low")
        XCTAssertEqual(BroadcastOutcome(error: refusal), .rejected(.nonceTooLow, refusal))
        let knownUnderInternal = RPCErrorObject(code: -32603, message: "already known")
        XCTAssertEqual(BroadcastOutcome(error: knownUnderInternal), .rejected(.alreadyKnown, knownUnderInternal))
        XCTAssertTrue(BroadcastOutcome(error: knownUnderInternal).isInPool)
    }
}
