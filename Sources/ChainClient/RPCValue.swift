import Ethereum
import JSON

/// Strict decoding of single JSON-RPC values (a quantity, data, a hash, an address), as field
/// readers for `JSONObjectReader` and as whole results of a call.
///
/// A value that does not fit is an error naming the field and showing what came, never a
/// crash or a silently wrong value.
enum RPCValue {
    static func uint64(_ value: JSONValue, field: String) throws(JSONShapeError) -> UInt64 {
        guard case .string(let text) = value, let number = RPCQuantity.uint64(text) else {
            throw mismatch(value, field: field, expected: "a hex quantity below 2^64")
        }
        return number
    }

    static func uint256(_ value: JSONValue, field: String) throws(JSONShapeError) -> UInt256 {
        guard case .string(let text) = value, let number = RPCQuantity.uint256(text) else {
            throw mismatch(value, field: field, expected: "a hex quantity below 2^256")
        }
        return number
    }

    static func data(_ value: JSONValue, field: String) throws(JSONShapeError) -> [UInt8] {
        guard case .string(let text) = value, let bytes = RPCQuantity.data(text) else {
            throw mismatch(value, field: field, expected: "0x-prefixed hex data")
        }
        return bytes
    }

    static func bytes32(_ value: JSONValue, field: String) throws(JSONShapeError) -> Bytes32 {
        guard case .string(let text) = value, let bytes = RPCQuantity.data(text), let word = try? Bytes32(bytes: bytes) else {
            throw mismatch(value, field: field, expected: "a 0x-prefixed 32-byte hash")
        }
        return word
    }

    static func address(_ value: JSONValue, field: String) throws(JSONShapeError) -> Address {
        guard case .string(let text) = value, text.utf8.starts(with: "0x".utf8), let address = try? Address(hex: text) else {
            throw mismatch(value, field: field, expected: "a 0x-prefixed 20-byte address")
        }
        return address
    }

    /// `field is <what came>, not <expected>`.
    static func mismatch(_ value: JSONValue, field: String, expected: String) -> JSONShapeError {
        JSONShapeError(field: field, reason: "is \(JSONRPCResponseDecoder.describe(value)), not \(expected)")
    }

    // MARK: Whole results of a call, as the chain client's errors

    static func uint64(_ value: JSONValue, method: String, field: String) throws(ChainError) -> UInt64 {
        try ChainError.reading(method) { () throws(JSONShapeError) in try uint64(value, field: field) }
    }

    static func uint256(_ value: JSONValue, method: String, field: String) throws(ChainError) -> UInt256 {
        try ChainError.reading(method) { () throws(JSONShapeError) in try uint256(value, field: field) }
    }

    static func data(_ value: JSONValue, method: String, field: String) throws(ChainError) -> [UInt8] {
        try ChainError.reading(method) { () throws(JSONShapeError) in try data(value, field: field) }
    }

    static func bytes32(_ value: JSONValue, method: String, field: String) throws(ChainError) -> Bytes32 {
        try ChainError.reading(method) { () throws(JSONShapeError) in try bytes32(value, field: field) }
    }

    static func address(_ value: JSONValue, method: String, field: String) throws(ChainError) -> Address {
        try ChainError.reading(method) { () throws(JSONShapeError) in try address(value, field: field) }
    }

    static func malformed(_ value: JSONValue, method: String, field: String, expected: String) -> ChainError {
        ChainError(method: method, mismatch(value, field: field, expected: expected))
    }
}
