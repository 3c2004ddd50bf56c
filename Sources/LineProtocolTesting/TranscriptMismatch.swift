import JSON

/// One difference found by `TranscriptMatcher`: where (a JSONPath-like `$.result.status`),
/// what was expected, and what came (nil when the key was missing).
public struct TranscriptMismatch: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var expected: String
    public var actual: JSONValue?

    public var description: String {
        "\(path): expected \(expected), got \(actual.map(JSONWriter.string) ?? "nothing")"
    }
}
