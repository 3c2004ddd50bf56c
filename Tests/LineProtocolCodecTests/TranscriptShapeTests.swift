import JSON
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import XCTest

/// Every transcript request parses (or fails exactly as its expected response says), and every
/// expected response, with placeholders replaced by samples, is read by the codec.
final class TranscriptShapeTests: XCTestCase {
    private static let parseErrorCodes: Set<String> = ["malformed_json", "invalid_request", "unknown_command", "invalid_arguments", "line_too_long"]

    func testEveryTranscriptRequestParsesAsItsExpectedResponseSays() throws {
        let transcripts = try ProtocolFiles.transcripts()
        XCTAssertGreaterThanOrEqual(transcripts.count, 7)
        var commandsSeen = Set<CommandName>()
        var codesSeen = Set<String>()
        for (name, transcript) in transcripts {
            var samples = PlaceholderSamples(bindings: transcript.sampleBindings)
            var watching = false
            for exchange in transcript.exchanges {
                let context = "\(name) line \(exchange.sourceLine)"
                let bytes = exchange.requestBytes(using: TranscriptMatcher(bindings: samples.bindings))
                let expected = exchange.response.map { samples.substitute($0) }
                if let code = expected?["error"]?["code"]?.stringValue { codesSeen.insert(code) }
                if bytes.count + 1 > LineBoundary.maximumRequestLineBytes {
                    XCTAssertEqual(expected?["error"]?["code"], "line_too_long", context)
                    XCTAssertTrue(exchange.closesConnection, context)
                    continue
                }
                XCTAssertFalse(exchange.closesConnection, "only an oversized line closes the connection: \(context)")
                let parsed = ProtocolRequest.parseResult(bytes)
                switch parsed {
                case .success(nil):
                    XCTAssertNil(expected, "a blank line gets no response: \(context)")
                case .success(let request?):
                    commandsSeen.insert(request.command.name)
                    guard let expected else {
                        XCTAssertTrue(watching, "only a watching connection leaves a request unanswered: \(context)")
                        continue
                    }
                    let response = try ProtocolResponse(wire: expected)
                    XCTAssertEqual(response.id, request.id, context)
                    switch response.outcome {
                    case .success(let result):
                        try Self.decode(result, of: request.command, context: context)
                        if request.command.name == .watch { watching = true }
                    case .failure(let error):
                        XCTAssertFalse(Self.parseErrorCodes.contains(error.code), "\(context) parses, yet expects \(error.code)")
                    }
                case .failure(let rejected):
                    XCTAssertEqual(expected?["error"]?["code"], .string(rejected.error.code), context)
                    XCTAssertEqual(expected?["id"], rejected.id, context)
                    if case .invalidArguments(let field, _) = rejected.error {
                        XCTAssertEqual(expected?["error"]?["field"], .string(field), context)
                    }
                }
            }
        }
        XCTAssertEqual(commandsSeen, Set(CommandName.allCases), "every command has a transcript")
        XCTAssertTrue(Self.parseErrorCodes.union(["permission_denied", "not_found", "unknown_setting"]).isSubset(of: codesSeen),
                      "missing codes: \(Self.parseErrorCodes.union(["permission_denied"]).subtracting(codesSeen))")
    }

    private static func decode(_ result: JSONValue, of command: ProtocolCommand, context: String) throws {
        switch command {
        case .enqueue: _ = try EnqueueResult(wire: result)
        case .status, .retry, .retryMint, .cancel, .refund: _ = try PaymentSnapshot(wire: result)
        case .stats: _ = try PaymentStats(wire: result)
        case .list: _ = try ListResult.payments(wire: result)
        case .settingsGet, .settingsSet: _ = try ListResult.settings(wire: result)
        case .prices, .pricesSet, .pricesUnset: _ = try ListResult.prices(wire: result)
        case .version: XCTAssertEqual(try DaemonVersion(wire: result).protocolVersion, DaemonVersion.currentProtocol, context)
        case .ping: XCTAssertEqual(result, ["pong": true], context)
        case .stop: XCTAssertEqual(result, ["stopping": true], context)
        case .watch: XCTAssertEqual(result, ["watching": true], context)
        }
    }
}
