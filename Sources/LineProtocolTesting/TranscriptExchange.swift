import JSON
import LineProtocolCodec

/// One request line and what must come back for it.
public struct TranscriptExchange: Sendable, Hashable {
    public var request: String
    public var padToBytes: Int?
    /// The expected response, with placeholders; nil when no response is expected.
    public var response: JSONValue?
    public var closesConnection: Bool
    public var note: String?
    /// The line number in the transcript file, for failure messages.
    public var sourceLine: Int

    init(wire value: JSONValue, line: Int) throws(JSONShapeError) {
        let object = try JSONObjectReader(value, path: "line \(line)")
        request = try object.string("request")
        padToBytes = try object.optionalInt("pad_to_bytes").map { Int($0) }
        let noResponse = object.value("no_response") == nil ? false : try object.bool("no_response")
        response = noResponse ? nil : object.fields["response"]
        if !noResponse, response == nil { throw object.error("response", "is required unless no_response is true") }
        closesConnection = object.value("closes_connection") == nil ? false : try object.bool("closes_connection")
        note = try object.optionalString("note")
        sourceLine = line
    }

    /// The bytes to send, newline excluded: the request (after substituting bindings) padded
    /// with spaces to `padToBytes`.
    public func requestBytes(using matcher: TranscriptMatcher) -> [UInt8] {
        var bytes = Array(matcher.substitute(into: request).utf8)
        if let padToBytes, bytes.count < padToBytes {
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padToBytes - bytes.count))
        }
        return bytes
    }
}
