import JSON

/// Compares what the daemon answered with what a transcript expects, where the expectation
/// may hold placeholders for values that vary between runs (ids, times, hashes).
///
/// Objects match when every expected key matches (a daemon may add fields: the protocol's
/// versioning rule); arrays element by element; numbers by value (`1` equals `1.0`). A
/// placeholder with a name (`"<uuid:p1>"`) captures the value the first time and requires the
/// same value afterwards, and `substitute(into:)` puts captured values into later requests
/// (`"status {{p1}}"`), so a transcript can enqueue a payment and then ask about it. An expected
/// string that is exactly `"{{name}}"` must equal that binding.
public struct TranscriptMatcher: Sendable {
    public private(set) var bindings: [String: JSONValue]

    public init(bindings: [String: JSONValue] = [:]) {
        self.bindings = bindings
    }

    /// All differences between `actual` and `expected`; empty means they match. Captures made
    /// by a matching comparison are kept.
    public mutating func match(_ actual: JSONValue, against expected: JSONValue) -> [TranscriptMismatch] {
        var mismatches: [TranscriptMismatch] = []
        var captured = bindings
        compare(actual, expected, path: "$", captured: &captured, into: &mismatches)
        if mismatches.isEmpty { bindings = captured }
        return mismatches
    }

    /// Replaces each `{{name}}` in a request with its binding: strings as their raw text,
    /// anything else as JSON text. Unknown names are left as they are.
    public func substitute(into request: String) -> String {
        var result = request
        for (name, value) in bindings {
            let replacement: String = if case .string(let text) = value { text } else { JSONWriter.string(value) }
            result = result.replacingOccurrences(of: "{{\(name)}}", with: replacement)
        }
        return result
    }

    private func compare(_ actual: JSONValue?, _ expected: JSONValue, path: String,
                         captured: inout [String: JSONValue], into mismatches: inout [TranscriptMismatch]) {
        if case .string(let text) = expected, let name = Self.bindingName(text), let bound = captured[name] {
            compare(actual, bound, path: path, captured: &captured, into: &mismatches)
            return
        }
        if case .string(let text) = expected, let placeholder = TranscriptPlaceholder(text) {
            guard let actual else {
                if !placeholder.kinds.contains(.absent) {
                    mismatches.append(TranscriptMismatch(path: path, expected: text, actual: nil))
                }
                return
            }
            guard placeholder.accepts(actual) else {
                mismatches.append(TranscriptMismatch(path: path, expected: text, actual: actual))
                return
            }
            if let name = placeholder.captureName {
                if let bound = captured[name], !Self.equal(bound, actual) {
                    mismatches.append(TranscriptMismatch(path: path, expected: "\(text) (bound to \(JSONWriter.string(bound)))", actual: actual))
                } else {
                    captured[name] = actual
                }
            }
            return
        }
        guard let actual else {
            mismatches.append(TranscriptMismatch(path: path, expected: JSONWriter.string(expected), actual: nil))
            return
        }
        switch (expected, actual) {
        case (.object(let expectedFields), .object(let actualFields)):
            for key in expectedFields.keys.sorted() {
                compare(actualFields[key], expectedFields[key] ?? .null, path: "\(path).\(key)", captured: &captured, into: &mismatches)
            }
        case (.array(let expectedElements), .array(let actualElements)):
            guard expectedElements.count == actualElements.count else {
                mismatches.append(TranscriptMismatch(path: path, expected: "\(expectedElements.count) elements", actual: actual))
                return
            }
            for (index, element) in expectedElements.enumerated() {
                compare(actualElements[index], element, path: "\(path)[\(index)]", captured: &captured, into: &mismatches)
            }
        default:
            if !Self.equal(expected, actual) {
                mismatches.append(TranscriptMismatch(path: path, expected: JSONWriter.string(expected), actual: actual))
            }
        }
    }

    /// `name` for a string that is exactly `{{name}}`.
    static func bindingName(_ text: String) -> String? {
        guard text.hasPrefix("{{"), text.hasSuffix("}}"), text.count > 4 else { return nil }
        let name = text.dropFirst(2).dropLast(2)
        return name.contains("{") || name.contains("}") ? nil : String(name)
    }

    private static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Double(a) == b
        default: left == right
        }
    }
}
