import JSON
@testable import LineProtocolServer
import LineProtocolTesting
import TestHarness
import XCTest

/// Replays every transcript against a `ProtocolServer` in front of the in-memory service, the
/// way a daemon integration test replays them against the real `paymentd`.
final class TranscriptReplayTests: XCTestCase {
    func testEveryTranscriptReplaysAgainstTheServer() async throws {
        for (name, transcript) in try ProtocolFiles.transcripts() {
            let harness = try await ServerHarness.start {
                if transcript.peer == .nonAdmin { $0.adminPolicy = AdminPolicy(adminUIDs: []) }
            }
            let client = try harness.rawClient()
            let mismatches = try await BlockingWork.run { try Self.replay(transcript, on: client) }
            XCTAssertEqual(mismatches, [], name)
            await harness.stop()
        }
    }

    /// Sends each request and compares each response; returns the differences found.
    static func replay(_ transcript: Transcript, on client: RawUnixConnection) throws -> [String] {
        var matcher = TranscriptMatcher(bindings: transcript.sampleBindings)
        var problems: [String] = []
        for exchange in transcript.exchanges {
            let context = "line \(exchange.sourceLine)"
            try client.send(exchange.requestBytes(using: matcher) + [UInt8(ascii: "\n")])
            guard let expected = exchange.response else { continue }
            guard let actual = try client.readJSON() else {
                problems.append("\(context): the connection closed instead of answering")
                break
            }
            problems += matcher.match(actual, against: expected).map { "\(context): \($0)" }
            if exchange.closesConnection, try client.readLine() != nil {
                problems.append("\(context): the connection stayed open")
            }
        }
        return problems
    }
}
