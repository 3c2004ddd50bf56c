import ErrorCoding
import JSON
import PaymentModel

/// An error as it travels in a response: `{"code":"snake_case","message":"…"}`, plus `field`
/// when the error is about one argument. What a client receives instead of the daemon's typed
/// error, and what the server makes of any `CodedError`.
public struct WireError: CodedError, Hashable {
    public var code: String
    public var message: String
    /// The argument the error is about (`invalid_arguments`, the engine's `invalid_request`).
    public var field: String?

    public init(code: String, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public init(_ error: ProtocolError) {
        var field: String?
        if case .invalidArguments(let name, _) = error { field = name }
        self.init(code: error.code, message: error.description, field: field)
    }

    public init(_ error: PaymentError) {
        var field: String?
        if case .invalidRequest(let name, _) = error { field = name }
        self.init(code: error.code, message: error.description, field: field)
    }

    public var description: String { "\(code): \(message)" }

    public var wireValue: JSONValue {
        var fields: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let field { fields["field"] = .string(field) }
        return .object(fields)
    }

    public init(wire value: JSONValue) throws(JSONShapeError) {
        let object = try JSONObjectReader(value, path: "error")
        self.init(code: try object.string("code"), message: try object.string("message"),
                  field: try object.optionalString("field"))
    }
}
