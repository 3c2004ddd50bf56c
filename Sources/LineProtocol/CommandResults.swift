import JSON
import PaymentModel

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

extension EnqueueResult {
    public var wireValue: JSONValue {
        ["payment_id": .string(paymentID), "status": .string(status.rawValue), "duplicate": .bool(duplicate)]
    }

    public init(wire value: JSONValue) throws(JSONShapeError) {
        let object = try JSONObjectReader(value)
        self.init(paymentID: try object.paymentID("payment_id"),
                  status: try object.enumeration("status", PaymentStatus.self),
                  duplicate: try object.bool("duplicate"))
    }
}

extension Setting {
    public var wireValue: JSONValue {
        ["key": .string(key), "value": .string(value), "description": .string(description)]
    }

    init(wire object: JSONObjectReader) throws(JSONShapeError) {
        self.init(key: try object.string("key"), value: try object.string("value"),
                  description: try object.optionalString("description") ?? "")
    }
}

/// The result shapes that wrap a list: `{"settings":[…]}` and `{"payments":[…]}`.
public enum ListResult {
    public static func settings(_ settings: [Setting]) -> JSONValue {
        ["settings": .array(settings.map(\.wireValue))]
    }

    public static func payments(_ payments: [PaymentSnapshot]) -> JSONValue {
        ["payments": .array(payments.map(\.wireValue))]
    }

    public static func settings(wire value: JSONValue) throws(JSONShapeError) -> [Setting] {
        try JSONObjectReader(value).objects("settings").map(Setting.init(wire:))
    }

    public static func payments(wire value: JSONValue) throws(JSONShapeError) -> [PaymentSnapshot] {
        try JSONObjectReader(value).objects("payments").map(PaymentSnapshot.init(wire:))
    }
}
