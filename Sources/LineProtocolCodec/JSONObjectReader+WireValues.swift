import Foundation
import JSON

/// The protocol's own value forms on top of the one typed reader: decimal strings, RFC 3339
/// times and payment ids, each refused with a reason that names the field.
extension JSONObjectReader {
    /// A non-negative integer in decimal: a string of digits, or (accepted for x402 clients
    /// that send them) a non-negative JSON integer, kept as its decimal text.
    func decimalText(_ key: String) throws(JSONShapeError) -> String {
        guard let text = try optionalDecimalText(key) else { throw error(key, "is required (a decimal string)") }
        return text
    }

    func optionalDecimalText(_ key: String) throws(JSONShapeError) -> String? {
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

    /// A decimal string of digits, and only a string (an amount written as a JSON number is
    /// refused: JSON numbers lose precision above 2^53 in many clients).
    func strictDecimalString(_ key: String) throws(JSONShapeError) -> String {
        guard let value = value(key) else { throw error(key, "is required (a decimal string)") }
        guard case .string(let text) = value else { throw error(key, "must be a decimal string, not a JSON number") }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw error(key, "must be a decimal string of digits")
        }
        return text
    }

    func date(_ key: String) throws(JSONShapeError) -> Date {
        guard let date = try optionalDate(key) else { throw error(key, "is required (an RFC 3339 time)") }
        return date
    }

    func optionalDate(_ key: String) throws(JSONShapeError) -> Date? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = RFC3339Time.parse(text) else { throw error(key, "must be an RFC 3339 time") }
        return date
    }

    /// A payment id: a UUID in 8-4-4-4-12 hex form, returned in lowercase.
    func paymentID(_ key: String) throws(JSONShapeError) -> String {
        let text = try string(key)
        guard let id = PaymentID.canonical(text) else { throw error(key, "must be a UUID such as 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55") }
        return id
    }
}
