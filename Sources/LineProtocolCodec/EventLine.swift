import JSON
import PaymentModel

/// One event line of a `watch` stream:
/// `{"id":…,"event":"payment","payment_id":…,"status":…,"tx_hash":…,"error":…,"at":…}`, where
/// `id` is the watch request's id. Distinguished from a response by having `event` and no `ok`.
public struct EventLine: Sendable, Hashable {
    public var id: JSONValue
    public var event: PaymentEvent

    public init(id: JSONValue, event: PaymentEvent) {
        self.id = id
        self.event = event
    }

    public var wireValue: JSONValue {
        [
            "id": id,
            "event": "payment",
            "payment_id": .string(event.paymentID),
            "status": .string(event.status.rawValue),
            "tx_hash": event.txHash.map(JSONValue.string) ?? .null,
            "error": event.error.map(JSONValue.string) ?? .null,
            "at": .string(RFC3339Time.format(event.at)),
        ]
    }

    public var line: [UInt8] { JSONWriter.line(wireValue) }

    public init(wire value: JSONValue) throws(JSONShapeError) {
        let object = try JSONObjectReader(value)
        guard try object.string("event") == "payment" else {
            throw JSONShapeError(field: "event", reason: "must be \"payment\"")
        }
        self.init(id: object.fields["id"] ?? .null, event: PaymentEvent(
            paymentID: try object.paymentID("payment_id"),
            status: try object.enumeration("status", PaymentStatus.self),
            txHash: try object.optionalString("tx_hash"),
            error: try object.optionalString("error"),
            at: try object.date("at")))
    }
}
