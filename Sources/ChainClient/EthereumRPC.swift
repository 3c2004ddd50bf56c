import Ethereum
import JSON

/// Typed Ethereum JSON-RPC: the calls the settlement engine makes, with strictly decoded results.
///
/// Batch-first: the engine handles hundreds of payments per tick, so every per-item read
/// (receipts, nonces, authorization states, broadcasts) takes a list and costs one HTTP round
/// trip per `maxBatchSize` items. Results come back in the order asked. A node error for one
/// item of a read throws `.rpc` naming the method (a read that half-worked is not an answer);
/// broadcasts and calls instead return each item's own outcome, because there a refusal or a
/// revert is information.
public struct EthereumRPC: Sendable {
    /// The endpoints' clients: reads fail over between endpoints, broadcasts go to all.
    public let client: FailoverRPCClient

    public init(client: FailoverRPCClient) {
        self.client = client
    }

    /// One endpoint, through `client`.
    public init(client: JSONRPCClient) {
        self.init(client: FailoverRPCClient(client: client))
    }

    /// Clients for every endpoint of `endpoints`, sharing their health with every other client
    /// of the same `endpoints`.
    public init(endpoints: RPCEndpoints, timeoutMilliseconds: Int = 10_000, connections: Int = 1, maxBatchSize: Int = 500,
                name: String = "eth-rpc") {
        self.init(client: FailoverRPCClient(endpoints: endpoints, timeoutMilliseconds: timeoutMilliseconds, connections: connections,
                                            maxBatchSize: maxBatchSize, name: name))
    }

    /// A client for `url` with its own connection(s); see `JSONRPCClient`.
    public init(url: String, timeoutMilliseconds: Int = 10_000, connections: Int = 1, maxBatchSize: Int = 500,
                name: String = "eth-rpc") {
        self.init(client: JSONRPCClient(url: url, timeoutMilliseconds: timeoutMilliseconds, connections: connections,
                                        maxBatchSize: maxBatchSize, name: name))
    }

    // MARK: Chain and accounts

    public func chainID() async throws(ChainError) -> UInt64 {
        try RPCValue.uint64(try await client.call("eth_chainId"), method: "eth_chainId", field: "result")
    }

    public func blockNumber() async throws(ChainError) -> UInt64 {
        try RPCValue.uint64(try await client.call("eth_blockNumber"), method: "eth_blockNumber", field: "result")
    }

    /// The block's header, or nil when the node has no such block (yet).
    public func block(_ tag: BlockTag) async throws(ChainError) -> BlockHeader? {
        let method = "eth_getBlockByNumber"
        let result = try await client.call(method, params: [tag.json, false])
        if result.isNull { return nil }
        return try BlockHeader(rpc: result, method: method)
    }

    /// `block` for many tags (block numbers, say) in one batch; nil where the node has no such block.
    public func blocks(_ tags: [BlockTag]) async throws(ChainError) -> [BlockHeader?] {
        let method = "eth_getBlockByNumber"
        let requests = tags.map { RPCRequest(method, [$0.json, false]) }
        return try await results(requests, method: method) { value, _ throws(ChainError) in
            value.isNull ? nil : try BlockHeader(rpc: value, method: method)
        }
    }

    /// The number of transactions `address` has sent as of `block` (`.pending` counts its
    /// gap-free run in the pool too): its next nonce.
    public func transactionCount(_ address: Address, block: BlockTag = .latest) async throws(ChainError) -> UInt64 {
        try await transactionCounts([(address, block)])[0]
    }

    /// `transactionCount` for many accounts in one batch.
    public func transactionCounts(_ queries: [(address: Address, block: BlockTag)]) async throws(ChainError) -> [UInt64] {
        let method = "eth_getTransactionCount"
        let requests = queries.map { RPCRequest(method, [RPCParameter.address($0.address), $0.block.json]) }
        return try await results(requests, method: method) { value, index throws(ChainError) in
            try RPCValue.uint64(value, method: method, field: "result[\(index)]")
        }
    }

    /// The account's ETH balance in wei.
    public func balance(_ address: Address, block: BlockTag = .latest) async throws(ChainError) -> UInt256 {
        let method = "eth_getBalance"
        let result = try await client.call(method, params: [RPCParameter.address(address), block.json])
        return try RPCValue.uint256(result, method: method, field: "result")
    }

    /// `balance` for many accounts in one batch.
    public func balances(_ addresses: [Address], block: BlockTag = .latest) async throws(ChainError) -> [UInt256] {
        guard !addresses.isEmpty else { return [] }
        let method = "eth_getBalance"
        let requests = addresses.map { RPCRequest(method, [RPCParameter.address($0), block.json]) }
        return try await results(requests, method: method) { value, index throws(ChainError) in
            try RPCValue.uint256(value, method: method, field: "result[\(index)]")
        }
    }

    // MARK: Shared plumbing

    /// Sends `requests` as a batch and decodes each result; the first element error throws
    /// `.rpc(method:)`.
    func results<T>(_ requests: [RPCRequest], method: String,
                    decode: (JSONValue, Int) throws(ChainError) -> T) async throws(ChainError) -> [T] {
        let outcomes = try await client.batch(requests)
        var decoded = [T]()
        decoded.reserveCapacity(outcomes.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let value): decoded.append(try decode(value, index))
            case .failure(let error): throw .rpc(method: method, error)
            }
        }
        return decoded
    }
}
