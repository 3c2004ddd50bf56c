import JSON

/// What `version` returns: the protocol version this daemon speaks (bumped only by breaking
/// changes) and the daemon's own version text.
public struct DaemonVersion: Sendable, Hashable {
    /// The protocol version this library implements.
    public static let currentProtocol = 1

    public var protocolVersion: Int
    public var daemon: String

    public init(protocolVersion: Int = DaemonVersion.currentProtocol, daemon: String) {
        self.protocolVersion = protocolVersion
        self.daemon = daemon
    }

    public var wireValue: JSONValue { ["protocol": .int(Int64(protocolVersion)), "daemon": .string(daemon)] }

    public init(wire value: JSONValue) throws(JSONShapeError) {
        let object = try JSONObjectReader(value)
        self.init(protocolVersion: Int(try object.int("protocol")), daemon: try object.string("daemon"))
    }
}
