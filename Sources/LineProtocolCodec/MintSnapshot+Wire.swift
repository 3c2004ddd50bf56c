import JSON
import PaymentModel

/// One mint job of a payment as `status` reports it.
extension MintSnapshot {
    public var wireValue: JSONValue {
        [
            "index": .int(Int64(index)),
            "recipient": .string(recipient),
            "status": .string(status.rawValue),
            "dedupe_hash": .string(dedupeHash),
            "tx_hash": txHash.map(JSONValue.string) ?? .null,
            "error": error.map(JSONValue.string) ?? .null,
        ]
    }

    init(wire object: JSONObjectReader) throws(JSONShapeError) {
        let index = try object.int("index")
        guard index >= 0, index <= Int64(Int32.max) else { throw object.error("index", "must be a small non-negative integer") }
        self.init(
            index: Int(index),
            recipient: try object.string("recipient"),
            status: try object.enumeration("status", MintStatus.self),
            dedupeHash: try object.string("dedupe_hash"),
            txHash: try object.optionalString("tx_hash"),
            error: try object.optionalString("error"))
    }
}
