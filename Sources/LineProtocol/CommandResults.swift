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

    public init(wire value: JSONValue) throws(WireShapeError) {
        let object = try WireObject(value, path: "")
        self.init(protocolVersion: Int(try object.int("protocol")), daemon: try object.string("daemon"))
    }
}

extension EnqueueResult {
    public var wireValue: JSONValue {
        ["payment_id": .string(paymentID), "status": .string(status.rawValue), "duplicate": .bool(duplicate)]
    }

    public init(wire value: JSONValue) throws(WireShapeError) {
        let object = try WireObject(value, path: "")
        self.init(paymentID: try object.paymentID("payment_id"),
                  status: try object.enumeration("status", PaymentStatus.self),
                  duplicate: try object.bool("duplicate"))
    }
}

extension Setting {
    public var wireValue: JSONValue {
        ["key": .string(key), "value": .string(value), "description": .string(description)]
    }

    init(wire object: WireObject) throws(WireShapeError) {
        self.init(key: try object.string("key"), value: try object.string("value"),
                  description: try object.optionalString("description") ?? "")
    }
}

extension Price {
    public var wireValue: JSONValue {
        ["type": .string(type.rawValue), "token": token.map(JSONValue.string) ?? .null, "payment_token": .string(paymentToken),
         "unit_price": .string(unitPrice), "max_quantity": .int(Int64(maxQuantity)), "source": .string(source.rawValue)]
    }

    init(wire object: WireObject) throws(WireShapeError) {
        self.init(type: try object.enumeration("type", PaymentType.self), token: try object.optionalString("token"),
                  paymentToken: try object.string("payment_token"), unitPrice: try object.string("unit_price"),
                  maxQuantity: Int(try object.int("max_quantity")),
                  source: try object.optionalEnumeration("source", Price.Source.self) ?? .configuration)
    }
}

/// The result shapes that wrap a list: `{"settings":[…]}`, `{"payments":[…]}` and `{"prices":[…]}`.
public enum ListResult {
    public static func settings(_ settings: [Setting]) -> JSONValue {
        ["settings": .array(settings.map(\.wireValue))]
    }

    public static func payments(_ payments: [PaymentSnapshot]) -> JSONValue {
        ["payments": .array(payments.map(\.wireValue))]
    }

    public static func prices(_ prices: [Price]) -> JSONValue {
        ["prices": .array(prices.map(\.wireValue))]
    }

    public static func prices(wire value: JSONValue) throws(WireShapeError) -> [Price] {
        let object = try WireObject(value, path: "")
        var prices: [Price] = []
        for (index, element) in try object.array("prices").enumerated() {
            prices.append(try Price(wire: WireObject(element, path: "prices[\(index)]")))
        }
        return prices
    }

    public static func settings(wire value: JSONValue) throws(WireShapeError) -> [Setting] {
        let object = try WireObject(value, path: "")
        var settings: [Setting] = []
        for (index, element) in try object.array("settings").enumerated() {
            settings.append(try Setting(wire: WireObject(element, path: "settings[\(index)]")))
        }
        return settings
    }

    public static func payments(wire value: JSONValue) throws(WireShapeError) -> [PaymentSnapshot] {
        let object = try WireObject(value, path: "")
        var payments: [PaymentSnapshot] = []
        for (index, element) in try object.array("payments").enumerated() {
            payments.append(try PaymentSnapshot(wire: WireObject(element, path: "payments[\(index)]")))
        }
        return payments
    }
}
