import Ethereum
import JSON

extension EthereumRPC {
    /// Broadcasts raw signed transactions in one batch to every healthy endpoint and reports
    /// each one's outcome, in order, merged over the endpoints (`BroadcastOutcome.merged`: a
    /// transaction one endpoint took is in the pool). Only when no endpoint answered does it
    /// throw; then whether any of them reached a pool is unknown, and the same bytes must be
    /// sent again.
    public func sendRawTransactions(_ raws: [[UInt8]]) async throws(ChainError) -> [BroadcastOutcome] {
        let method = "eth_sendRawTransaction"
        let answers = await client.batchToEveryEndpoint(raws.map { RPCRequest(method, [RPCParameter.data($0)]) })
        var perEndpoint: [[BroadcastOutcome]] = []
        var firstFailure: ChainError?
        var answered = 0
        for (endpoint, answer) in answers {
            do throws(ChainError) {
                perEndpoint.append(try Self.broadcastOutcomes(try answer.get(), method: method))
                answered += 1
            } catch {
                firstFailure = firstFailure ?? error
                perEndpoint.append(Array(repeating: .noAnswer(from: endpoint, error), count: raws.count))
            }
        }
        guard answered > 0 else { throw firstFailure ?? .noUsableEndpoint("no endpoint to broadcast to") }
        return raws.indices.map { index in
            // Every endpoint contributed one outcome per transaction, so the merge has answers.
            BroadcastOutcome.merged(perEndpoint.map { $0[index] })!
        }
    }

    /// One endpoint's answers to a broadcast batch, typed.
    private static func broadcastOutcomes(_ outcomes: [Result<JSONValue, RPCErrorObject>], method: String) throws(ChainError) -> [BroadcastOutcome] {
        var broadcasts = [BroadcastOutcome]()
        broadcasts.reserveCapacity(outcomes.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let value):
                broadcasts.append(.accepted(try RPCValue.bytes32(value, method: method, field: "result[\(index)]")))
            case .failure(let error):
                broadcasts.append(BroadcastOutcome(error: error))
            }
        }
        return broadcasts
    }

    /// `sendRawTransactions` for signed transactions.
    public func sendRawTransactions(_ transactions: [SignedTransaction]) async throws(ChainError) -> [BroadcastOutcome] {
        try await sendRawTransactions(transactions.map(\.raw))
    }

    /// One broadcast (prefer the batch form when there are several).
    public func sendRawTransaction(_ raw: [UInt8]) async throws(ChainError) -> BroadcastOutcome {
        try await sendRawTransactions([raw])[0]
    }

    /// The receipts of `hashes`, in order; nil where the transaction is not mined (or unknown).
    public func receipts(_ hashes: [Bytes32]) async throws(ChainError) -> [TransactionReceipt?] {
        let method = "eth_getTransactionReceipt"
        let requests = hashes.map { RPCRequest(method, [RPCParameter.hash($0)]) }
        return try await results(requests, method: method) { value, _ throws(ChainError) in
            value.isNull ? nil : try TransactionReceipt(rpc: value, method: method)
        }
    }

    public func receipt(_ hash: Bytes32) async throws(ChainError) -> TransactionReceipt? {
        try await receipts([hash])[0]
    }

    /// Every receipt of one block (`eth_getBlockReceipts`), in block order; nil when the node
    /// has no such block.
    public func blockReceipts(_ block: BlockTag) async throws(ChainError) -> [TransactionReceipt]? {
        let method = "eth_getBlockReceipts"
        let result = try await client.call(method, params: [block.json])
        if result.isNull { return nil }
        guard case .array(let elements) = result else {
            throw RPCValue.malformed(result, method: method, field: "result", expected: "an array of receipts")
        }
        var receipts = [TransactionReceipt]()
        receipts.reserveCapacity(elements.count)
        for element in elements { receipts.append(try TransactionReceipt(rpc: element, method: method)) }
        return receipts
    }

    /// What the node knows about each transaction (pending or mined), in order; nil where it
    /// knows nothing: never seen, dropped from the pool, or replaced.
    public func transactions(_ hashes: [Bytes32]) async throws(ChainError) -> [TransactionInfo?] {
        let method = "eth_getTransactionByHash"
        let requests = hashes.map { RPCRequest(method, [RPCParameter.hash($0)]) }
        return try await results(requests, method: method) { value, _ throws(ChainError) in
            value.isNull ? nil : try TransactionInfo(rpc: value, method: method)
        }
    }

    public func transaction(_ hash: Bytes32) async throws(ChainError) -> TransactionInfo? {
        try await transactions([hash])[0]
    }
}
