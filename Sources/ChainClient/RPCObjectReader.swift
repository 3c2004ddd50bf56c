import Ethereum
import JSON

/// Reads the fields of one JSON object from a node (a receipt, a block, a log) into typed values,
/// and turns any wrong field into `ChainError.malformedResponse` naming the method and field.
///
/// Every typed result in this module is decoded through here, so a malformed answer is always
/// a typed error with a sentence that says which field of which method, never a crash or a
/// silently wrong value.
struct RPCObjectReader {
    let method: String
    /// What the object is, for error messages ("receipt", "log 3 of receipt").
    let what: String
    let fields: [String: JSONValue]

    init(_ value: JSONValue, method: String, what: String) throws(ChainError) {
        guard case .object(let fields) = value else {
            throw .malformedResponse(method: method, "\(what) is not a JSON object: \(JSONRPCResponseDecoder.describe(value))")
        }
        self.method = method
        self.what = what
        self.fields = fields
    }

    func uint64(_ key: String) throws(ChainError) -> UInt64 {
        try RPCValue.uint64(try required(key), method: method, field: name(key))
    }

    func optionalUInt64(_ key: String) throws(ChainError) -> UInt64? {
        guard let value = optional(key) else { return nil }
        return try RPCValue.uint64(value, method: method, field: name(key))
    }

    func uint256(_ key: String) throws(ChainError) -> UInt256 {
        try RPCValue.uint256(try required(key), method: method, field: name(key))
    }

    func optionalUInt256(_ key: String) throws(ChainError) -> UInt256? {
        guard let value = optional(key) else { return nil }
        return try RPCValue.uint256(value, method: method, field: name(key))
    }

    func bytes32(_ key: String) throws(ChainError) -> Bytes32 {
        try RPCValue.bytes32(try required(key), method: method, field: name(key))
    }

    func optionalBytes32(_ key: String) throws(ChainError) -> Bytes32? {
        guard let value = optional(key) else { return nil }
        return try RPCValue.bytes32(value, method: method, field: name(key))
    }

    func address(_ key: String) throws(ChainError) -> Address {
        try RPCValue.address(try required(key), method: method, field: name(key))
    }

    func optionalAddress(_ key: String) throws(ChainError) -> Address? {
        guard let value = optional(key) else { return nil }
        return try RPCValue.address(value, method: method, field: name(key))
    }

    func data(_ key: String) throws(ChainError) -> [UInt8] {
        try RPCValue.data(try required(key), method: method, field: name(key))
    }

    func bool(_ key: String) throws(ChainError) -> Bool {
        guard case .bool(let flag) = try required(key) else {
            throw .malformedResponse(method: method, "\(name(key)) is not a boolean")
        }
        return flag
    }

    func array(_ key: String) throws(ChainError) -> [JSONValue] {
        guard case .array(let elements) = try required(key) else {
            throw .malformedResponse(method: method, "\(name(key)) is not an array")
        }
        return elements
    }

    /// A field that must be present and not null.
    func required(_ key: String) throws(ChainError) -> JSONValue {
        guard let value = fields[key], !value.isNull else {
            throw .malformedResponse(method: method, "\(name(key)) is missing")
        }
        return value
    }

    /// nil when the field is absent or null.
    func optional(_ key: String) -> JSONValue? {
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    private func name(_ key: String) -> String { "\(what).\(key)" }
}

/// Strict decoding of single JSON-RPC values (a result that is one quantity, a hash, data).
enum RPCValue {
    static func uint64(_ value: JSONValue, method: String, field: String) throws(ChainError) -> UInt64 {
        guard case .string(let text) = value, let number = RPCQuantity.uint64(text) else {
            throw malformed(value, method: method, field: field, expected: "a hex quantity below 2^64")
        }
        return number
    }

    static func uint256(_ value: JSONValue, method: String, field: String) throws(ChainError) -> UInt256 {
        guard case .string(let text) = value, let number = RPCQuantity.uint256(text) else {
            throw malformed(value, method: method, field: field, expected: "a hex quantity below 2^256")
        }
        return number
    }

    static func data(_ value: JSONValue, method: String, field: String) throws(ChainError) -> [UInt8] {
        guard case .string(let text) = value, let bytes = RPCQuantity.data(text) else {
            throw malformed(value, method: method, field: field, expected: "0x-prefixed hex data")
        }
        return bytes
    }

    static func bytes32(_ value: JSONValue, method: String, field: String) throws(ChainError) -> Bytes32 {
        guard case .string(let text) = value, let bytes = RPCQuantity.data(text), let word = try? Bytes32(bytes: bytes) else {
            throw malformed(value, method: method, field: field, expected: "a 0x-prefixed 32-byte hash")
        }
        return word
    }

    static func address(_ value: JSONValue, method: String, field: String) throws(ChainError) -> Address {
        guard case .string(let text) = value, text.utf8.starts(with: "0x".utf8), let address = try? Address(hex: text) else {
            throw malformed(value, method: method, field: field, expected: "a 0x-prefixed 20-byte address")
        }
        return address
    }

    static func malformed(_ value: JSONValue, method: String, field: String, expected: String) -> ChainError {
        .malformedResponse(method: method, "\(field) is \(JSONRPCResponseDecoder.describe(value)), not \(expected)")
    }
}
