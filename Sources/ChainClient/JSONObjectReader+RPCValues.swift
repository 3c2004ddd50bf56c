import Ethereum
import JSON

/// Fields of a node's answer (a receipt, a block, a log) in the JSON-RPC hex forms, read
/// through the one typed reader. A required field that is absent or null "is missing".
extension JSONObjectReader {
    func uint64(_ key: String) throws(JSONShapeError) -> UInt64 {
        try RPCValue.uint64(try present(key), field: fieldPath(key))
    }

    func optionalUInt64(_ key: String) throws(JSONShapeError) -> UInt64? {
        guard let value = value(key) else { return nil }
        return try RPCValue.uint64(value, field: fieldPath(key))
    }

    func uint256(_ key: String) throws(JSONShapeError) -> UInt256 {
        try RPCValue.uint256(try present(key), field: fieldPath(key))
    }

    func optionalUInt256(_ key: String) throws(JSONShapeError) -> UInt256? {
        guard let value = value(key) else { return nil }
        return try RPCValue.uint256(value, field: fieldPath(key))
    }

    func bytes32(_ key: String) throws(JSONShapeError) -> Bytes32 {
        try RPCValue.bytes32(try present(key), field: fieldPath(key))
    }

    func optionalBytes32(_ key: String) throws(JSONShapeError) -> Bytes32? {
        guard let value = value(key) else { return nil }
        return try RPCValue.bytes32(value, field: fieldPath(key))
    }

    func address(_ key: String) throws(JSONShapeError) -> Address {
        try RPCValue.address(try present(key), field: fieldPath(key))
    }

    func optionalAddress(_ key: String) throws(JSONShapeError) -> Address? {
        guard let value = value(key) else { return nil }
        return try RPCValue.address(value, field: fieldPath(key))
    }

    func data(_ key: String) throws(JSONShapeError) -> [UInt8] {
        try RPCValue.data(try present(key), field: fieldPath(key))
    }

    /// Each element of the array `key`, read by `element` with its path (`block.transactions[3]`).
    func elements<Element>(_ key: String, _ element: (JSONValue, String) throws(JSONShapeError) -> Element) throws(JSONShapeError) -> [Element] {
        var read: [Element] = []
        for (index, value) in try array(key).enumerated() {
            read.append(try element(value, fieldPath("\(key)[\(index)]")))
        }
        return read
    }

    private func present(_ key: String) throws(JSONShapeError) -> JSONValue {
        guard let value = value(key) else { throw error(key, "is missing") }
        return value
    }
}
