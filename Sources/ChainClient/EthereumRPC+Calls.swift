import Ethereum
import JSON

extension EthereumRPC {
    /// Runs a read-only call. A revert is returned as `.reverted` with its decoded reason; any
    /// other node error throws.
    public func call(to: Address, data: [UInt8], block: BlockTag = .latest, from: Address? = nil) async throws(ChainError) -> CallOutcome {
        try await calls([CallRequest(from: from, to: to, data: data, block: block)])[0]
    }

    /// Runs many read-only calls in one batch; outcomes in order.
    public func calls(_ requests: [CallRequest]) async throws(ChainError) -> [CallOutcome] {
        let method = "eth_call"
        let outcomes = try await client.batch(requests.map { request in
            RPCRequest(method, [Self.transactionObject(from: request.from, to: request.to, data: request.data), request.block.json])
        })
        var decoded = [CallOutcome]()
        decoded.reserveCapacity(outcomes.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let value):
                decoded.append(.returned(try RPCValue.data(value, method: method, field: "result[\(index)]")))
            case .failure(let error):
                guard let reverted = CallOutcome(revertError: error) else { throw .rpc(method: method, error) }
                decoded.append(reverted)
            }
        }
        return decoded
    }

    /// The gas the call needs (as the node estimates it against `block`). A revert throws
    /// `.rpc` with the node's error (code 3 and the revert data on geth-like nodes).
    public func estimateGas(from: Address?, to: Address, data: [UInt8], value: UInt256 = .zero,
                            block: BlockTag = .latest) async throws(ChainError) -> UInt64 {
        let method = "eth_estimateGas"
        var object = Self.transactionObject(from: from, to: to, data: data)
        if !value.isZero, case .object(var fields) = object {
            fields["value"] = .string(RPCParameter.quantity(value))
            object = .object(fields)
        }
        let result = try await client.call(method, params: [object, block.json])
        return try RPCValue.uint64(result, method: method, field: "result")
    }

    static func transactionObject(from: Address?, to: Address, data: [UInt8]) -> JSONValue {
        var fields: [String: JSONValue] = ["to": RPCParameter.address(to), "data": RPCParameter.data(data)]
        if let from { fields["from"] = RPCParameter.address(from) }
        return .object(fields)
    }
}
