import Ethereum
import JSON

extension EthereumRPC {
    /// The logs matching `filter`, in chain order.
    public func logs(_ filter: LogFilter) async throws(ChainError) -> [LogEntry] {
        let method = "eth_getLogs"
        let result = try await client.call(method, params: [filter.json])
        guard case .array(let elements) = result else {
            throw RPCValue.malformed(result, method: method, field: "result", expected: "an array of logs")
        }
        var logs = [LogEntry]()
        logs.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            logs.append(try LogEntry(rpc: element, method: method, what: "result[\(index)]"))
        }
        return logs
    }
}
