import Foundation
import JSON
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import XCTest

/// The JSON Schemas in protocol/schemas agree with the codec: what the codec writes validates,
/// what the transcripts send and expect validates, and requests the parser refuses for their
/// arguments are refused by the schemas too.
final class SchemaTests: XCTestCase {
    private static let base = "https://paymentd.invalid/protocol/v1/"
    private var schemas: MinimalJSONSchema!

    override func setUpWithError() throws {
        schemas = try MinimalJSONSchema(files: ProtocolFiles.schemaDocuments())
    }

    private func assertValid(_ value: JSONValue, _ schema: String, _ context: String = "", file: StaticString = #filePath, line: UInt = #line) {
        let errors = schemas.validate(value, against: Self.base + schema)
        XCTAssertEqual(errors, [], "\(context) \(JSONWriter.string(value).prefix(300))", file: file, line: line)
    }

    func testEveryCommandHasARequestAndAResultSchema() {
        for command in CommandName.allCases {
            XCTAssertTrue(schemas.documentIDs.contains(Self.base + "commands/\(command.rawValue).request.schema.json"), command.rawValue)
            XCTAssertTrue(schemas.documentIDs.contains(Self.base + "commands/\(command.rawValue).result.schema.json"), command.rawValue)
        }
    }

    func testWhatTheCodecWritesValidates() {
        let snapshot = ProtocolSample.snapshot()
        assertValid(snapshot.wireValue, "commands/status.result.schema.json")
        assertValid(ProtocolResponse.success(id: 1, result: snapshot.wireValue).wireValue, "response.schema.json")
        assertValid(ListResult.payments([snapshot, ProtocolSample.snapshot(id: "00000000-0000-4000-8000-000000000002", status: .pending)]),
                    "commands/list.result.schema.json")
        let stats = PaymentStats(
            counts: [.pending: 1, .sent: 2], queueDepth: 1, oldestPendingAgeSeconds: 0.5, oldestSentAgeSeconds: 12, confirmationRate: 1,
            averageProcessingSeconds: nil, mintCounts: [.completed: 4],
            signers: [SignerState(address: ProtocolSample.payer, role: .payment, nextNonce: 0, minedNonce: nil, inFlight: 0, pausedReason: nil)],
            rpcEndpoints: [RPCEndpointState(url: "http://127.0.0.1:8545", inUse: false, health: .backingOff, consecutiveFailures: 2,
                                            retryInSeconds: 1.5, lastError: "refused"),
                           RPCEndpointState(url: "https://rpc.example/…", inUse: true, health: .healthy, consecutiveFailures: 0,
                                            retryInSeconds: nil, lastError: nil)])
        assertValid(stats.wireValue, "commands/stats.result.schema.json")
        assertValid(EnqueueResult(paymentID: snapshot.paymentID, status: .pending, duplicate: true).wireValue, "commands/enqueue.result.schema.json")
        assertValid(DaemonVersion(daemon: "paymentd 1").wireValue, "commands/version.result.schema.json")
        assertValid(ListResult.settings([Setting(key: "k", value: "v", description: "d")]), "commands/settings.result.schema.json")
        assertValid(ListResult.prices([
            Price(type: .mint, token: ProtocolSample.payer, paymentToken: ProtocolSample.payer, unitPrice: "1000", maxQuantity: 10, source: .configuration),
            Price(type: .deploy, token: nil, paymentToken: ProtocolSample.payer, unitPrice: "5000000", maxQuantity: 1, source: .database),
        ]), "commands/prices.result.schema.json")
        assertValid(ProtocolResponse.failure(id: 1, error: WireError(PaymentError.priceMismatch(
            amount: "1", expectedAmount: "100000", paymentToken: ProtocolSample.payer, unitPrice: "1000", quantity: 100))).wireValue, "response.schema.json")
        let event = PaymentEvent(paymentID: snapshot.paymentID, status: .completed, txHash: snapshot.txHash, error: nil, at: Date())
        assertValid(EventLine(id: "w", event: event).wireValue, "event.schema.json")
        assertValid(ProtocolResponse.failure(id: nil, error: WireError(ProtocolError.invalidArguments(field: "limit", reason: "x"))).wireValue,
                    "response.schema.json")
        assertValid(ProtocolResponse.failure(id: 1, error: WireError(PaymentError.unavailable(code: "database_unavailable", message: "m"))).wireValue,
                    "response.schema.json")
        XCTAssertFalse(schemas.validate(EventLine(id: "w", event: event).wireValue, against: Self.base + "response.schema.json").isEmpty,
                       "an event line must not pass for a response")
    }

    func testEveryRequestTheClientWritesValidates() {
        let id = "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55"
        var vrs = ProtocolSample.paymentRequest(key: "k")
        vrs.authorization.signature = nil
        vrs.authorization.v = "27"
        vrs.authorization.r = "0x" + String(repeating: "01", count: 32)
        vrs.authorization.s = "0x" + String(repeating: "02", count: 32)
        let commands: [ProtocolCommand] = [
            .enqueue(ProtocolSample.paymentRequest()), .enqueue(vrs), .status(paymentID: id), .stats, .stop, .ping, .version,
            .list(PaymentListFilter(status: .sent, payer: ProtocolSample.payer, limit: 3)), .retry(paymentID: id), .cancel(paymentID: id),
            .settingsGet, .settingsSet(key: "payment_batch_size", value: "5"), .watch(paymentID: nil), .watch(paymentID: id), .prices,
        ]
        for command in commands {
            assertValid(ProtocolRequest(id: 1, command: command).wireValue, "request.schema.json", "\(command.name)")
        }
    }

    func testTranscriptMessagesValidateAndRefusedArgumentsAreRefusedByTheSchemasToo() throws {
        for (name, transcript) in try ProtocolFiles.transcripts() {
            var samples = PlaceholderSamples(bindings: transcript.sampleBindings)
            for exchange in transcript.exchanges {
                let context = "\(name) line \(exchange.sourceLine)"
                let bytes = exchange.requestBytes(using: TranscriptMatcher(bindings: samples.bindings))
                guard let expectedPattern = exchange.response else { continue }
                let expected = samples.substitute(expectedPattern)
                assertValid(expected, "response.schema.json", context)
                guard bytes.count < LineBoundary.maximumRequestLineBytes else { continue }
                let parsed = ProtocolRequest.parseResult(bytes)
                switch parsed {
                case .success(let request?):
                    let sent = (try? StrictJSONParser.parse(bytes)) ?? request.wireValue
                    assertValid(sent, "request.schema.json", context)
                    if case .success(let result) = try ProtocolResponse(wire: expected).outcome {
                        assertValid(result, "commands/\(request.command.name.rawValue).result.schema.json", context)
                    }
                case .failure(let rejected) where ["invalid_arguments", "invalid_request", "unknown_command"].contains(rejected.error.code):
                    if let sent = try? StrictJSONParser.parse(bytes) {
                        XCTAssertFalse(schemas.validate(sent, against: Self.base + "request.schema.json").isEmpty,
                                       "the parser refuses \(context) but the schema accepts it")
                    }
                default:
                    continue
                }
            }
        }
    }
}
