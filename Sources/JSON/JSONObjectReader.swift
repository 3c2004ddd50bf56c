/// The one typed reader: reads the fields of one JSON object into typed values, strict about
/// types (a number where a string is required is an error naming the field by its dotted path)
/// and silent about fields nobody asks for (unknown fields are ignored, as both the socket
/// protocol's versioning rules and JSON-RPC's extensions require). An explicit `null` reads
/// like an absent field.
///
/// Socket messages and JSON-RPC answers are both read through it; what a field means (a UUID,
/// a hex quantity, an RFC 3339 time) is added by the module that knows, as an extension built
/// on `value(_:)`, `fieldPath(_:)` and `error(_:_:)`.
public struct JSONObjectReader: Sendable {
    public let fields: [String: JSONValue]
    /// The dotted path of this object inside the whole value ("" at the top level).
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(JSONShapeError) {
        guard case .object(let fields) = value else {
            throw JSONShapeError(field: path.isEmpty ? "(message)" : path, reason: "must be an object")
        }
        self.fields = fields
        self.path = path
    }

    /// The path of a field of this object: `payment.amount`, or `amount` at the top level.
    public func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// An error about the field `key`.
    public func error(_ key: String, _ reason: String) -> JSONShapeError {
        JSONShapeError(field: fieldPath(key), reason: reason)
    }

    /// The value, treating an explicit `null` like an absent field.
    public func value(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    public func string(_ key: String) throws(JSONShapeError) -> String {
        guard let text = try optionalString(key) else { throw error(key, "is required (a string)") }
        return text
    }

    public func optionalString(_ key: String) throws(JSONShapeError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw error(key, "must be a string") }
        return text
    }

    public func int(_ key: String) throws(JSONShapeError) -> Int64 {
        guard let integer = try optionalInt(key) else { throw error(key, "is required (an integer)") }
        return integer
    }

    public func optionalInt(_ key: String) throws(JSONShapeError) -> Int64? {
        guard let value = value(key) else { return nil }
        guard case .int(let integer) = value else { throw error(key, "must be an integer") }
        return integer
    }

    /// Any JSON number, integers included.
    public func optionalDouble(_ key: String) throws(JSONShapeError) -> Double? {
        switch value(key) {
        case nil: return nil
        case .int(let integer): return Double(integer)
        case .double(let double): return double
        default: throw error(key, "must be a number")
        }
    }

    public func bool(_ key: String) throws(JSONShapeError) -> Bool {
        guard let flag = try optionalBool(key) else { throw error(key, "is required (true or false)") }
        return flag
    }

    public func optionalBool(_ key: String) throws(JSONShapeError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw error(key, "must be true or false") }
        return flag
    }

    public func object(_ key: String) throws(JSONShapeError) -> JSONObjectReader {
        guard let value = value(key) else { throw error(key, "is required (an object)") }
        return try JSONObjectReader(value, path: fieldPath(key))
    }

    public func array(_ key: String) throws(JSONShapeError) -> [JSONValue] {
        guard let value = value(key) else { throw error(key, "is required (an array)") }
        guard case .array(let elements) = value else { throw error(key, "must be an array") }
        return elements
    }

    public func optionalArray(_ key: String) throws(JSONShapeError) -> [JSONValue]? {
        guard value(key) != nil else { return nil }
        return try array(key)
    }

    /// Each object of the array `key`, with its path (`payment.mints[2]`).
    public func objects(_ key: String) throws(JSONShapeError) -> [JSONObjectReader] {
        var readers: [JSONObjectReader] = []
        for (index, element) in try array(key).enumerated() {
            readers.append(try JSONObjectReader(element, path: fieldPath("\(key)[\(index)]")))
        }
        return readers
    }

    public func enumeration<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type) throws(JSONShapeError) -> Value
    where Value.RawValue == String {
        guard let value = try optionalEnumeration(key, type) else {
            throw error(key, "is required (one of \(Self.spelled(type)))")
        }
        return value
    }

    public func optionalEnumeration<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type) throws(JSONShapeError) -> Value?
    where Value.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = Value(rawValue: text) else { throw error(key, "must be one of \(Self.spelled(type))") }
        return value
    }

    private static func spelled<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) -> String where Value.RawValue == String {
        type.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    }
}
