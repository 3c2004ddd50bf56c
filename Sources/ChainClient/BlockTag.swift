import Ethereum
import JSON

/// Which block a read refers to: a number, or one of the node's moving tags.
///
/// `pending` matters for nonces (it counts the sender's transactions waiting in the pool);
/// `safe`/`finalized` for confirmations on chains that have them.
public enum BlockTag: Sendable, Hashable {
    case latest
    case pending
    case safe
    case finalized
    case earliest
    case number(UInt64)

    /// The JSON-RPC parameter: a tag name or a hex quantity.
    public var json: JSONValue {
        switch self {
        case .latest: "latest"
        case .pending: "pending"
        case .safe: "safe"
        case .finalized: "finalized"
        case .earliest: "earliest"
        case .number(let number): .string(RPCParameter.quantity(number))
        }
    }
}

/// How typed values are written as JSON-RPC parameters.
enum RPCParameter {
    static func quantity(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
    static func quantity(_ value: UInt256) -> String { value.hexString }
    static func data(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }
    static func address(_ address: Address) -> JSONValue { .string(address.lowercaseHex) }
    static func hash(_ hash: Bytes32) -> JSONValue { .string(hash.hex) }
}
