import JSON

/// Whatever the daemon can send on a line: a response to a request, or a watch event.
public enum ServerLine: Sendable, Hashable {
    case response(ProtocolResponse)
    case event(EventLine)

    public init(wire value: JSONValue) throws(JSONShapeError) {
        if value["ok"] == nil, value["event"] != nil {
            self = .event(try EventLine(wire: value))
        } else {
            self = .response(try ProtocolResponse(wire: value))
        }
    }
}
