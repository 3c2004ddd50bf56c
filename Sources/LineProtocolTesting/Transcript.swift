import JSON

/// A protocol transcript: the request lines one client sends on one connection and the
/// responses it must get, as stored in `protocol/transcripts/*.jsonl`.
///
/// The first line may be a header `{"transcript": {"description": …, "peer": "admin" |
/// "non_admin", "bindings": {…}}}` (`bindings`: sample values for the `{{name}}` slots of the
/// requests, which a replay against a real daemon replaces with real ones); every other line is an exchange `{"request": "<line>", "response":
/// <expected>}` with optional `"pad_to_bytes": n` (pad the request with spaces up to n bytes
/// before the newline, for oversized lines), `"no_response": true` (nothing comes back, e.g. a
/// blank line), `"closes_connection": true` (the daemon closes after the response) and `"note"`.
public struct Transcript: Sendable, Hashable {
    public enum Peer: String, Sendable, Hashable, CaseIterable {
        case admin
        case nonAdmin = "non_admin"
    }

    public var description: String
    public var peer: Peer
    /// Sample values for `{{name}}` slots; a replay may override them.
    public var sampleBindings: [String: JSONValue]
    public var exchanges: [TranscriptExchange]

    public init(jsonLines text: String) throws(JSONShapeError) {
        var description = ""
        var peer = Peer.admin
        var bindings: [String: JSONValue] = [:]
        var exchanges: [TranscriptExchange] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let value: JSONValue
            do throws(JSONSyntaxError) {
                value = try StrictJSONParser.parse(String(line))
            } catch {
                throw JSONShapeError(field: "line \(number + 1)", reason: error.description)
            }
            if number == 0, let header = value["transcript"] {
                let object = try JSONObjectReader(header, path: "transcript")
                description = try object.optionalString("description") ?? ""
                peer = try object.optionalEnumeration("peer", Peer.self) ?? .admin
                if object.value("bindings") != nil { bindings = try object.object("bindings").fields }
                continue
            }
            exchanges.append(try TranscriptExchange(wire: value, line: number + 1))
        }
        self.description = description
        self.peer = peer
        self.sampleBindings = bindings
        self.exchanges = exchanges
    }
}
