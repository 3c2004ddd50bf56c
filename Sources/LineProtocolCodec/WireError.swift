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
    /// `too_many_pending` only: the payer's unsettled payments and the limit, so a front end
    /// can answer the replaced system's `429 {pendingCount}` without asking again.
    public var pendingCount: Int?
    public var pendingLimit: Int?

    public init(code: String, message: String, field: String? = nil, pendingCount: Int? = nil, pendingLimit: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.pendingCount = pendingCount
        self.pendingLimit = pendingLimit
    }

    public init(_ error: ProtocolError) {
        var field: String?
        if case .invalidArguments(let name, _) = error { field = name }
        self.init(code: error.code, message: error.description, field: field)
    }

    public init(_ error: PaymentError) {
        var field: String?
        if case .invalidRequest(let name, _) = error { field = name }
        var count: Int?, limit: Int?
        if case .tooManyPending(_, let pending, let maximum) = error { (count, limit) = (pending, maximum) }
        self.init(code: error.code, message: error.description, field: field, pendingCount: count, pendingLimit: limit)
    }

    public var description: String { "\(code): \(message)" }

    public var wireValue: JSONValue {
        var fields: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let field { fields["field"] = .string(field) }
        if let pendingCount { fields["pending_count"] = .int(Int64(pendingCount)) }
        if let pendingLimit { fields["pending_limit"] = .int(Int64(pendingLimit)) }
        return .object(fields)
    }

    public init(wire value: JSONValue) throws(JSONShapeError) {
        let object = try JSONObjectReader(value, path: "error")
        self.init(code: try object.string("code"), message: try object.string("message"),
                  field: try object.optionalString("field"),
                  pendingCount: try object.optionalInt("pending_count").map { Int($0) },
                  pendingLimit: try object.optionalInt("pending_limit").map { Int($0) })
    }
}
