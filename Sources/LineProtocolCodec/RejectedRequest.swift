import JSON

/// A line that could not be turned into a request, with the id to answer under (when the
/// line got far enough for it to be read).
public struct RejectedRequest: Error, Sendable, Hashable {
    public var id: JSONValue
    public var error: ProtocolError

    public init(id: JSONValue, error: ProtocolError) {
        self.id = id
        self.error = error
    }
}
