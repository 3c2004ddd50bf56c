import Foundation
import JSON

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
