import JSON

extension ChainError {
    /// A node's answer to `method` that does not have the shape it must have:
    /// `malformedResponse` with the field's path and what was wrong (`receipt.status is missing`).
    init(method: String, _ shape: JSONShapeError) {
        self = .malformedResponse(method: method, "\(shape.field) \(shape.reason)")
    }

    /// Runs a read of `method`'s answer, turning a shape error into `malformedResponse`.
    static func reading<Value>(_ method: String, _ read: () throws(JSONShapeError) -> Value) throws(ChainError) -> Value {
        do throws(JSONShapeError) {
            return try read()
        } catch {
            throw ChainError(method: method, error)
        }
    }
}
