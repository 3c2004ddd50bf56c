import JSON

/// One request line, parsed: the `id` to echo (JSON `null` when absent or for bare words)
/// and the command.
public struct ProtocolRequest: Sendable, Hashable {
    public var id: JSONValue
    public var command: ProtocolCommand

    public init(id: JSONValue, command: ProtocolCommand) {
        self.id = id
        self.command = command
    }
}
