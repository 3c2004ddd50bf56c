import Foundation
import JSON

/// Typed, path-aware reads from one JSON object of a protocol message: strict about types
/// (a number where a string is required is an error naming the field), silent about fields it
/// is not asked for (unknown fields are ignored, as the versioning rules promise).
struct WireObject {
    let fields: [String: JSONValue]
    /// The dotted path of this object inside the message ("" at the top level).
    let path: String

    init(_ value: JSONValue, path: String) throws(WireShapeError) {
        guard case .object(let fields) = value else {
            throw WireShapeError(field: path.isEmpty ? "(message)" : path, reason: "must be an object")
        }
        self.fields = fields
        self.path = path
    }

    func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func error(_ key: String, _ reason: String) -> WireShapeError {
        WireShapeError(field: fieldPath(key), reason: reason)
    }

    /// The value, treating an explicit `null` like an absent field.
    func value(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(WireShapeError) -> String {
        guard let text = try optionalString(key) else { throw error(key, "is required (a string)") }
        return text
    }

    func optionalString(_ key: String) throws(WireShapeError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw error(key, "must be a string") }
        return text
    }

    /// A non-negative integer in decimal: a string of digits, or (accepted for x402 clients
    /// that send them) a non-negative JSON integer, kept as its decimal text.
    func decimalText(_ key: String) throws(WireShapeError) -> String {
        guard let text = try optionalDecimalText(key) else { throw error(key, "is required (a decimal string)") }
        return text
    }

    func optionalDecimalText(_ key: String) throws(WireShapeError) -> String? {
        switch value(key) {
        case nil: return nil
        case .string(let text):
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw error(key, "must be a decimal string of digits")
            }
            return text
        case .int(let integer) where integer >= 0:
            return String(integer)
        default:
            throw error(key, "must be a decimal string")
        }
    }

    func int(_ key: String) throws(WireShapeError) -> Int64 {
        guard let integer = try optionalInt(key) else { throw error(key, "is required (an integer)") }
        return integer
    }

    func optionalInt(_ key: String) throws(WireShapeError) -> Int64? {
        guard let value = value(key) else { return nil }
        guard case .int(let integer) = value else { throw error(key, "must be an integer") }
        return integer
    }

    func optionalDouble(_ key: String) throws(WireShapeError) -> Double? {
        switch value(key) {
        case nil: return nil
        case .int(let integer): return Double(integer)
        case .double(let double): return double
        default: throw error(key, "must be a number")
        }
    }

    func bool(_ key: String) throws(WireShapeError) -> Bool {
        guard let value = value(key) else { throw error(key, "is required (true or false)") }
        guard case .bool(let flag) = value else { throw error(key, "must be true or false") }
        return flag
    }

    func object(_ key: String) throws(WireShapeError) -> WireObject {
        guard let value = value(key) else { throw error(key, "is required (an object)") }
        return try WireObject(value, path: fieldPath(key))
    }

    func array(_ key: String) throws(WireShapeError) -> [JSONValue] {
        guard let value = value(key) else { throw error(key, "is required (an array)") }
        guard case .array(let elements) = value else { throw error(key, "must be an array") }
        return elements
    }

    func optionalArray(_ key: String) throws(WireShapeError) -> [JSONValue]? {
        guard value(key) != nil else { return nil }
        return try array(key)
    }

    func enumeration<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type) throws(WireShapeError) -> Value
    where Value.RawValue == String {
        guard let value = try optionalEnumeration(key, type) else {
            throw error(key, "is required (one of \(Self.spelled(type)))")
        }
        return value
    }

    func optionalEnumeration<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type) throws(WireShapeError) -> Value?
    where Value.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = Value(rawValue: text) else { throw error(key, "must be one of \(Self.spelled(type))") }
        return value
    }

    func date(_ key: String) throws(WireShapeError) -> Date {
        guard let date = try optionalDate(key) else { throw error(key, "is required (an RFC 3339 time)") }
        return date
    }

    func optionalDate(_ key: String) throws(WireShapeError) -> Date? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = RFC3339Time.parse(text) else { throw error(key, "must be an RFC 3339 time") }
        return date
    }

    /// A payment id: a UUID in 8-4-4-4-12 hex form, returned in lowercase.
    func paymentID(_ key: String) throws(WireShapeError) -> String {
        let text = try string(key)
        guard let id = PaymentID.canonical(text) else { throw error(key, "must be a UUID such as 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55") }
        return id
    }

    private static func spelled<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) -> String where Value.RawValue == String {
        type.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    }
}

/// Payment ids on the wire: UUIDs, either case in, lowercase out (as Postgres prints them).
public enum PaymentID {
    /// The lowercase form of a UUID string, or nil if `text` is not one.
    public static func canonical(_ text: String) -> String? {
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else { return nil }
        return uuid.uuidString.lowercased()
    }
}
