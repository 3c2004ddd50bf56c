import JSON
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import TestHarness
import XCTest

/// The codec alone, at a volume the socket tests cannot afford: no input may trap, and every
/// rejection carries one of the protocol's codes.
final class CodecFuzzTests: XCTestCase {
    func testTwentyThousandFuzzedLinesParseOrAreRefusedWithAProtocolCode() {
        var generator = FuzzLineGenerator(seed: 0xC0DEC)
        var accepted = 0
        for _ in 0..<20_000 {
            do {
                if try ProtocolRequest.parse(line: generator.next()) != nil { accepted += 1 }
            } catch {
                XCTAssertTrue(ProtocolErrorCodes.protocolLevel.contains(error.error.code), error.error.code)
            }
        }
        XCTAssertGreaterThan(accepted, 0, "the generator also produces valid requests")
    }

    func testEveryResultDecoderSurvivesArbitraryJSON() {
        var random = SplitMix64(seed: 42)
        let snapshot = ProtocolSample.snapshot().wireValue
        for round in 0..<5_000 {
            let value = round % 2 == 0 ? Self.randomValue(depth: 0, using: &random) : Self.mutate(snapshot, using: &random)
            _ = try? PaymentSnapshot(wire: value)
            _ = try? PaymentStats(wire: value)
            _ = try? EnqueueResult(wire: value)
            _ = try? DaemonVersion(wire: value)
            _ = try? ListResult.payments(wire: ["payments": [value]])
            _ = try? ListResult.settings(wire: ["settings": [value]])
            _ = try? ProtocolResponse(wire: value)
            _ = try? ServerLine(wire: value)
            _ = try? ProtocolRequest(json: value)
            XCTAssertEqual(try? StrictJSONParser.parse(JSONWriter.bytes(value), maximumDepth: 64), value)
        }
    }

    private static func randomValue(depth: Int, using random: inout SplitMix64) -> JSONValue {
        let leaves: [JSONValue] = [.null, true, false, 0, -1, .int(.max), .int(.min), .double(1.5), .double(-0.0), "", "x",
                                   "2025-01-01T00:00:00Z", "00000000-0000-4000-8000-000000000001", "pending", "mint", .string("\u{0}\n\"")]
        guard depth < 6, Int.random(in: 0..<3, using: &random) == 0 else {
            return leaves[Int.random(in: 0..<leaves.count, using: &random)]
        }
        let keys = ["payment_id", "status", "type", "amount", "counts", "mints", "index", "signers", "ok", "id", "result", "error",
                    "event", "code", "message", "protocol", "daemon", "created_at", "next_nonce", "role", "cmd", "payment"]
        if Bool.random(using: &random) {
            return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) })
        }
        var fields: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            fields[keys[Int.random(in: 0..<keys.count, using: &random)]] = randomValue(depth: depth + 1, using: &random)
        }
        return .object(fields)
    }

    private static func mutate(_ value: JSONValue, using random: inout SplitMix64) -> JSONValue {
        guard case .object(var fields) = value, let key = fields.keys.sorted().randomElement(using: &random) else { return value }
        fields[key] = randomValue(depth: 4, using: &random)
        return .object(fields)
    }
}
