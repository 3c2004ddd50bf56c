import Foundation
import JSON
import LineProtocolCodec
@testable import LineProtocolServer
import LineProtocolTesting
import TestHarness
import XCTest

/// Thousands of random, truncated and mutated lines: every one gets an error or a clean
/// close, the daemon keeps answering, and nothing reaches the service as a state change.
final class ServerFuzzTests: XCTestCase {
    func testFuzzedLinesNeitherCrashTheServerNorChangeAnything() async throws {
        let harness = try await ServerHarness.start {
            // Not an admin, so mutated admin commands are refused before the service.
            $0.adminPolicy = AdminPolicy(adminUIDs: [])
        }
        let connections = 8
        let linesPerConnection = 500
        for seed: UInt64 in [0xF022_2025, 7, 0xDEAD_BEEF] {
            var generator = FuzzLineGenerator(seed: seed)
            var plans: [[[UInt8]]] = []
            for index in 0..<connections {
                var lines = (0..<linesPerConnection).map { _ in generator.next() }
                if index % 4 == 3 { lines.append(Array(repeating: UInt8(ascii: "{"), count: 70_000)) }
                plans.append(lines)
            }
            let outcomes = try await withThrowingTaskGroup(of: FuzzOutcome.self) { group in
                for lines in plans {
                    group.addTask { try await Self.run(lines, against: harness.socketPath) }
                }
                return try await group.reduce(into: [FuzzOutcome]()) { $0.append($1) }
            }
            let responses = outcomes.reduce(0) { $0 + $1.responses }
            XCTAssertGreaterThan(responses, connections * linesPerConnection * 3 / 4, "most fuzz lines must be answered (seed \(seed))")
            XCTAssertEqual(outcomes.flatMap(\.unreadable), [], "every line the daemon sent must be a protocol response (seed \(seed))")
        }
        let pong = try await BlockingWork.run { try harness.rawClient().exchange(#"{"id":"after","cmd":"ping"}"#) }
        XCTAssertEqual(pong["result"], ["pong": true])
        let mutations = await harness.service.mutatingCalls
        let payments = await harness.service.paymentCount
        let stops = await harness.stopRequests.count
        XCTAssertEqual(mutations, 0)
        XCTAssertEqual(payments, 0)
        XCTAssertEqual(stops, 0)
        let released = await harness.eventually(seconds: 10) { harness.server.connectionCount == 0 }
        XCTAssertTrue(released)
        await harness.stop()
    }

    private struct FuzzOutcome: Sendable {
        var responses = 0
        var unreadable: [String] = []
    }

    /// Sends the lines from one thread while reading responses on another (so neither side's
    /// buffers fill up), then half-closes and reads until the daemon closes.
    private static func run(_ lines: [[UInt8]], against path: String) async throws -> FuzzOutcome {
        let client = try RawUnixConnection(path: path, receiveTimeoutSeconds: 20)
        async let sending: Void = BlockingWork.run {
            for line in lines {
                do { try client.send(line + [UInt8(ascii: "\n")]) } catch { break }
            }
            client.shutdownWrite()
        }
        let outcome = try await BlockingWork.run { () -> FuzzOutcome in
            var outcome = FuzzOutcome()
            while let line = try client.readLine() {
                outcome.responses += 1
                guard let value = try? StrictJSONParser.parse(line), let response = try? ProtocolResponse(wire: value) else {
                    outcome.unreadable.append(String(decoding: line.prefix(200), as: UTF8.self))
                    continue
                }
                if case .failure(let error) = response.outcome, !Self.expectedCodes.contains(error.code) {
                    outcome.unreadable.append("unexpected code \(error.code)")
                }
            }
            return outcome
        }
        try await sending
        return outcome
    }

    private static let expectedCodes: Set<String> = [
        "malformed_json", "invalid_request", "unknown_command", "invalid_arguments", "line_too_long", "permission_denied", "not_found",
    ]
}
