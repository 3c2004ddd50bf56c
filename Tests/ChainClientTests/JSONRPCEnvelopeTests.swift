@testable import ChainClient
import JSON
import XCTest

/// The JSON-RPC envelope: ids, batches, error objects, request text.
final class JSONRPCEnvelopeTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testBatchAnswersAreMatchedByIdNotPosition() throws {
        let body = bytes(#"[{"jsonrpc":"2.0","id":3,"result":"0xc"},{"jsonrpc":"2.0","id":1,"result":"0xa"},{"jsonrpc":"2.0","id":2,"error":{"code":-32000,"message":"nonce too low"}}]"#)
        let outcomes = try JSONRPCResponseDecoder.batch(body, method: "m", firstID: 1, count: 3)
        XCTAssertEqual(outcomes, [.success("0xa"), .failure(RPCErrorObject(code: -32000, message: "nonce too low")), .success("0xc")])
    }

    func testBatchWithAMissingAnswerIsMalformed() {
        let body = bytes(#"[{"jsonrpc":"2.0","id":1,"result":"0x1"}]"#)
        XCTAssertThrowsError(try JSONRPCResponseDecoder.batch(body, method: "eth_blockNumber", firstID: 1, count: 2)) { error in
            guard case ChainError.malformedResponse(let method, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(method, "eth_blockNumber")
            XCTAssertTrue(detail.contains("id 2"), detail)
            XCTAssertEqual((error as? ChainError)?.code, "rpc_malformed_response")
        }
    }

    func testBatchAnsweringOneIdTwiceIsMalformed() {
        let body = bytes(#"[{"id":1,"result":"0x1"},{"id":1,"result":"0x2"}]"#)
        XCTAssertThrowsError(try JSONRPCResponseDecoder.batch(body, method: "m", firstID: 1, count: 2)) { error in
            guard case ChainError.malformedResponse = error else { return XCTFail("\(error)") }
        }
    }

    func testBatchAnswerWithAnUnrequestedIdIsMalformed() {
        let body = bytes(#"[{"id":1,"result":"0x1"},{"id":7,"result":"0x2"}]"#)
        XCTAssertThrowsError(try JSONRPCResponseDecoder.batch(body, method: "m", firstID: 1, count: 2)) { error in
            guard case ChainError.malformedResponse = error else { return XCTFail("\(error)") }
        }
    }

    func testWholeBatchRefusedWithOneErrorObjectThrowsRPCError() {
        let body = bytes(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32005,"message":"rate limited"}}"#)
        XCTAssertThrowsError(try JSONRPCResponseDecoder.batch(body, method: "m", firstID: 1, count: 2)) { error in
            XCTAssertEqual(error as? ChainError, .rpc(method: "m", RPCErrorObject(code: -32005, message: "rate limited")))
        }
    }

    func testErrorDataIsKept() throws {
        let body = bytes(#"{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted","data":"0x1234"}}"#)
        let outcome = try JSONRPCResponseDecoder.single(body, method: "eth_call", id: 1)
        XCTAssertEqual(outcome, .failure(RPCErrorObject(code: 3, message: "execution reverted", data: "0x1234")))
    }

    func testSingleAnswerForAnotherIdIsMalformed() {
        let body = bytes(#"{"jsonrpc":"2.0","id":9,"result":"0x1"}"#)
        XCTAssertThrowsError(try JSONRPCResponseDecoder.single(body, method: "m", id: 1)) { error in
            guard case ChainError.malformedResponse = error else { return XCTFail("\(error)") }
        }
    }

    func testNullResultIsAResult() throws {
        let outcome = try JSONRPCResponseDecoder.single(bytes(#"{"jsonrpc":"2.0","id":1,"result":null}"#), method: "m", id: 1)
        XCTAssertEqual(outcome, .success(.null))
    }

    func testBodyThatIsNotJSONIsMalformed() {
        XCTAssertThrowsError(try JSONRPCResponseDecoder.single(bytes("<html>bad gateway</html>"), method: "m", id: 1)) { error in
            guard case ChainError.malformedResponse(_, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("bad gateway"), detail)
        }
    }

    func testNumbersBeyondDoubleAndAbsurdNestingAreMalformedNotACrash() {
        for text in [#"{"id":1,"result":1e400}"#, String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)] {
            XCTAssertThrowsError(try JSONRPCResponseDecoder.single(bytes(text), method: "m", id: 1)) { error in
                guard case ChainError.malformedResponse = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testParsedNumbersKeepTheirKinds() throws {
        let value = try JSONRPCResponseDecoder.parse(bytes(#"[true,false,0,1.5,0.0,-7,18446744073709551615]"#), method: "m")
        XCTAssertEqual(value, [true, false, 0, .double(1.5), .double(0), -7, .double(18446744073709551616)])
    }

    func testRequestTextIsCompactWithSortedKeysAndEscapedStrings() {
        // Parameters go through the one JSONWriter, the socket protocol's: a double keeps its
        // fraction (`50.0`) and DEL is escaped; both are plain RFC 8259 JSON for any node
        // (ChainReadTests sends fee-history percentiles as doubles to the devchain).
        let request = RPCRequest("eth_call", [["to": "0xab", "data": "0x01"], "latest", .double(50), .double(0.5), "a\"b\\c\n\u{1}\u{7f}"])
        let text = String(decoding: JSONRPCRequestEncoder.encode(request, id: 7), as: UTF8.self)
        XCTAssertEqual(text, #"{"jsonrpc":"2.0","id":7,"method":"eth_call","params":[{"data":"0x01","to":"0xab"},"latest",50.0,0.5,"a\"b\\c\n\u0001\u007f"]}"#)
    }

    func testBatchRequestTextNumbersIdsInOrder() throws {
        let requests = [RPCRequest("a"), RPCRequest("b", [1])]
        let body = JSONRPCRequestEncoder.encodeBatch(requests[...], firstID: 1)
        let parsed = try JSONRPCResponseDecoder.parse(body, method: "m")
        XCTAssertEqual(parsed, [["jsonrpc": "2.0", "id": 1, "method": "a", "params": []],
                                ["jsonrpc": "2.0", "id": 2, "method": "b", "params": [1]]])
    }
}
