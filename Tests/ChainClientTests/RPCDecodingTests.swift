@testable import ChainClient
import Ethereum
import JSON
import XCTest

/// Strict decoding of what nodes send: a bad field is a typed error naming it, never a crash.
final class RPCDecodingTests: XCTestCase {
    private let hash = "0x" + String(repeating: "ab", count: 32)
    private let address = "0x7e7e80cd84fb43f5fd2e92f1edd827c307e0ae6f"

    private func receiptJSON(gasUsed: String = "0x11e92", topic: String? = nil) throws -> JSONValue {
        let text = """
        {"transactionHash":"\(hash)","transactionIndex":"0x0","blockHash":"\(hash)","blockNumber":"0x10",
         "from":"\(address)","to":"\(address)","gasUsed":"\(gasUsed)","effectiveGasPrice":"0x3b9aca00","status":"0x1",
         "logs":[{"address":"\(address)","topics":["\(topic ?? hash)"],"data":"0x","blockNumber":"0x10",
                  "blockHash":"\(hash)","transactionHash":"\(hash)","transactionIndex":"0x0","logIndex":"0x0","removed":false}]}
        """
        return try JSONRPCResponseDecoder.parse(Array(text.utf8), method: "eth_getTransactionReceipt")
    }

    func testWellFormedReceiptDecodes() throws {
        let receipt = try TransactionReceipt(rpc: receiptJSON(), method: "eth_getTransactionReceipt")
        XCTAssertEqual(receipt.gasUsed, 73_362)
        XCTAssertEqual(receipt.effectiveGasPrice, 1_000_000_000)
        XCTAssertTrue(receipt.succeeded)
        XCTAssertEqual(receipt.logs.count, 1)
        XCTAssertEqual(receipt.blockNumber, 16)
    }

    func testMalformedHexQuantityInAReceiptIsATypedErrorNamingTheField() throws {
        let json = try receiptJSON(gasUsed: "0x11zz")
        XCTAssertThrowsError(try TransactionReceipt(rpc: json, method: "eth_getTransactionReceipt")) { error in
            guard case ChainError.malformedResponse(let method, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(method, "eth_getTransactionReceipt")
            XCTAssertTrue(detail.contains("receipt.gasUsed"), detail)
            XCTAssertTrue(detail.contains("0x11zz"), detail)
        }
    }

    func testShortTopicInALogIsATypedErrorNamingTheLog() throws {
        let json = try receiptJSON(topic: "0xabcd")
        XCTAssertThrowsError(try TransactionReceipt(rpc: json, method: "eth_getTransactionReceipt")) { error in
            guard case ChainError.malformedResponse(_, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("receipt.logs[0].topics[0]"), detail)
        }
    }

    func testMissingFieldIsATypedError() throws {
        guard case .object(var fields) = try receiptJSON() else { return XCTFail() }
        fields["status"] = nil
        XCTAssertThrowsError(try TransactionReceipt(rpc: .object(fields), method: "m")) { error in
            guard case ChainError.malformedResponse(_, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("receipt.status is missing"), detail)
        }
    }

    func testQuantitiesNeedThePrefixAndHexDigitsAndMustFit() {
        XCTAssertEqual(RPCQuantity.uint64("0x0"), 0)
        XCTAssertEqual(RPCQuantity.uint64("0xffffffffffffffff"), .max)
        XCTAssertEqual(RPCQuantity.uint64("0x00ff"), 255, "leading zeros are tolerated")
        XCTAssertNil(RPCQuantity.uint64("0x"))
        XCTAssertNil(RPCQuantity.uint64("ff"))
        XCTAssertNil(RPCQuantity.uint64("+0x1"))
        XCTAssertNil(RPCQuantity.uint64(" 0x1"))
        XCTAssertNil(RPCQuantity.uint64("0x-1"))
        XCTAssertNil(RPCQuantity.uint64("0x10000000000000000"))
        XCTAssertEqual(RPCQuantity.uint256("0x10000000000000000"), UInt256(hexString: "0x10000000000000000"))
        XCTAssertNil(RPCQuantity.uint256("0x1" + String(repeating: "0", count: 64)))
        XCTAssertNil(RPCQuantity.uint256("1"))
        XCTAssertEqual(RPCQuantity.data("0x"), [])
        XCTAssertNil(RPCQuantity.data("0xabc"))
        XCTAssertNil(RPCQuantity.data("abcd"))
    }

    func testNumberWhereAStringIsExpectedIsATypedError() {
        XCTAssertThrowsError(try RPCValue.uint64(.int(5), method: "eth_blockNumber", field: "result")) { error in
            guard case ChainError.malformedResponse("eth_blockNumber", let detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.hasPrefix("result is"), detail)
        }
    }

    func testMixedCaseAddressWithAWrongChecksumIsRefused() {
        XCTAssertThrowsError(try RPCValue.address("0x7E7E80cd84fb43f5fd2e92f1edd827c307e0ae6f", method: "m", field: "from"))
    }

    func testFeeHistoryWithTooFewBaseFeesIsMalformed() throws {
        let json = try JSONRPCResponseDecoder.parse(Array(#"{"oldestBlock":"0x1","baseFeePerGas":["0x1"],"gasUsedRatio":[0.5],"reward":[["0x1"]]}"#.utf8), method: "eth_feeHistory")
        XCTAssertThrowsError(try FeeHistory(rpc: json, method: "eth_feeHistory", percentileCount: 1))
    }

    func testRevertErrorBecomesAReasonAndOtherErrorsDoNot() throws {
        let data = RevertReason.errorSelector + ABI.encode([.uint256(32), .uint256(4)]) + Array("nope".utf8) + [UInt8](repeating: 0, count: 28)
        let geth = RPCErrorObject(code: 3, message: "execution reverted: nope", data: .string(Hex.encode(data)))
        XCTAssertEqual(CallOutcome(revertError: geth), .reverted(.error("nope"), data: data))
        let older = RPCErrorObject(code: -32000, message: "execution reverted")
        XCTAssertEqual(CallOutcome(revertError: older), .reverted(.empty, data: []))
        XCTAssertNil(CallOutcome(revertError: RPCErrorObject(code: -32000, message: "gas required exceeds allowance (100)")))
    }

    func testLogFilterTextHasOrListsAndWildcards() {
        let a = try! Bytes32(hex: hash), b = Bytes32.zero
        let filter = LogFilter(addresses: [try! Address(hex: address)], topics: [[a], nil, [a, b]],
                               range: .blocks(from: .number(16), to: .latest))
        XCTAssertEqual(filter.json, [
            "address": .string(address), "fromBlock": "0x10", "toBlock": "latest",
            "topics": [.string(hash), .null, [.string(hash), .string(Bytes32.zero.hex)]],
        ])
    }
}
