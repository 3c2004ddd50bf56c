import JSON
import PaymentModel

/// One entry of the price list as `prices` returns it: what is bought, what it is paid in, the
/// unit price, the largest quantity, and where the price comes from.
extension Price {
    public var wireValue: JSONValue {
        ["type": .string(type.rawValue), "token": token.map(JSONValue.string) ?? .null, "payment_token": .string(paymentToken),
         "unit_price": .string(unitPrice), "max_quantity": .int(Int64(maxQuantity)), "source": .string(source.rawValue),
         "available_items": availableItems.map(JSONValue.int) ?? .null]
    }

    init(wire object: JSONObjectReader) throws(JSONShapeError) {
        self.init(type: try object.enumeration("type", PaymentType.self), token: try object.optionalString("token"),
                  paymentToken: try object.string("payment_token"), unitPrice: try object.string("unit_price"),
                  maxQuantity: Int(try object.int("max_quantity")),
                  source: try object.optionalEnumeration("source", Price.Source.self) ?? .configuration,
                  availableItems: try object.optionalInt("available_items"))
    }
}
