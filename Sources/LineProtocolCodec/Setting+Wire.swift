import JSON
import PaymentModel

/// One setting on the wire, as `settings` lists it.
extension Setting {
    public var wireValue: JSONValue {
        ["key": .string(key), "value": .string(value), "description": .string(description)]
    }

    init(wire object: JSONObjectReader) throws(JSONShapeError) {
        self.init(key: try object.string("key"), value: try object.string("value"),
                  description: try object.optionalString("description") ?? "")
    }
}
