import Foundation
import JSON
import LineProtocol

/// The files in `protocol/` at the root of this checkout.
enum ProtocolFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("protocol")

    static func transcripts() throws -> [(name: String, transcript: Transcript)] {
        let directory = root.appendingPathComponent("transcripts")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return (name, try Transcript(jsonLines: text))
        }
    }

    static func schemaDocuments() throws -> [URL] {
        let directory = root.appendingPathComponent("schemas")
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
    }
}

/// Replaces transcript placeholders with sample values of their first kind, recording captures,
/// so an expected response can be checked for shape by the codec and the schemas.
struct PlaceholderSamples {
    var bindings: [String: JSONValue]

    static let samples: [String: JSONValue] = [
        "any": .null, "absent": .null, "null": .null, "string": "x", "number": 0, "integer": 0, "boolean": true,
        "object": [:], "array": [], "uuid": "00000000-0000-4000-8000-000000000000", "rfc3339": "2025-01-01T00:00:00.000Z",
        "tx_hash": .string("0x" + String(repeating: "00", count: 32)), "address": .string("0x" + String(repeating: "00", count: 20)),
        "hex": "0x", "decimal": "0", "status": "pending",
    ]

    mutating func substitute(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            if text.hasPrefix("{{"), text.hasSuffix("}}"), let bound = bindings[String(text.dropFirst(2).dropLast(2))] { return bound }
            guard text.count > 2, text.first == "<", text.last == ">" else { return value }
            let body = text.dropFirst().dropLast()
            let parts = body.split(separator: ":", maxSplits: 1)
            guard let kind = parts.first?.split(separator: "|").first, let sample = Self.samples[String(kind)] else { return value }
            if parts.count == 2 {
                let name = String(parts[1])
                if let bound = bindings[name] { return bound }
                bindings[name] = sample
            }
            return sample
        case .array(let elements):
            return .array(elements.map { substitute($0) })
        case .object(let fields):
            var result: [String: JSONValue] = [:]
            for key in fields.keys.sorted() { result[key] = substitute(fields[key] ?? .null) }
            return .object(result)
        default:
            return value
        }
    }
}

extension ProtocolRequest {
    /// `parse(line:)` as a `Result`, for tests that switch over both outcomes.
    static func parseResult(_ bytes: [UInt8]) -> Result<ProtocolRequest?, RejectedRequest> {
        do throws(RejectedRequest) {
            return .success(try ProtocolRequest.parse(line: bytes))
        } catch {
            return .failure(error)
        }
    }
}
