import JSON

/// x402's `payment-identifier` extension: a buyer's idempotency key for one purchase.
///
/// Why it exists: a generic client that is unsure whether a payment went through signs a fresh
/// authorization and pays again (x402 #3438). A server that declares the extension in its 402
/// lets the client send one id per purchase in the payload's `extensions`; the same id then
/// names one payment, whatever authorization comes with it. The id is 16 to 128 characters of
/// `[A-Za-z0-9_-]` (the SDK's `payment_identifier` rules).
public enum PaymentIdentifier {
    public static let key = "payment-identifier"
    public static let minimumLength = 16
    public static let maximumLength = 128

    /// What a 402 puts under `extensions["payment-identifier"]`.
    public static func declaration(required: Bool) -> JSONValue {
        ["info": ["required": .bool(required)],
         "schema": ["$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                    "properties": ["required": ["type": "boolean"],
                                   "id": ["type": "string", "minLength": .int(Int64(minimumLength)), "maxLength": .int(Int64(maximumLength)),
                                          "pattern": "^[a-zA-Z0-9_-]+$"]],
                    "required": ["required"]]]
    }

    /// The id a payload's `extensions` carry, nil when they carry none; a malformed one is an
    /// error naming the field (`path` prefixes it).
    public static func id(in extensions: JSONValue?, path: String) throws(X402PayloadError) -> String? {
        guard let extension_ = extensions?[key], extension_ != .null else { return nil }
        let field = path + ".\(key).info.id"
        guard let info = extension_["info"], info.objectValue != nil else {
            throw X402PayloadError(field: path + ".\(key).info", message: "must be an object")
        }
        guard let value = info["id"], value != .null else { return nil }
        guard let id = value.stringValue else { throw X402PayloadError(field: field, message: "must be a string") }
        guard (minimumLength...maximumLength).contains(id.utf8.count),
              id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }) else {
            throw X402PayloadError(field: field, message: "must be \(minimumLength) to \(maximumLength) characters of letters, digits, - and _")
        }
        return id
    }
}
