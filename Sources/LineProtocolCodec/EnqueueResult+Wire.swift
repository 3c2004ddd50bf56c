import JSON
import PaymentModel

/// What `enqueue` returns on the wire: the payment id, its status and whether the request
/// named a payment that already existed.
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
