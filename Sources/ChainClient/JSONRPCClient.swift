import HTTPPost
import JSON

/// A JSON-RPC 2.0 client for one node URL, over one or more kept-alive HTTP connections.
///
/// Batch-first: `batch` sends any number of calls as JSON arrays of at most `maxBatchSize`
/// each, matches answers by id, and returns every call's own result or error, so one refused
/// element never hides the others. A transport failure (or an answer that cannot be read)
/// throws for the whole batch: then nothing is known about any element.
///
/// Connections: each `HTTPPostClient` is one TCP connection on a thread of its own and serves
/// its requests one at a time. The default is one connection per client, and each engine loop
/// (send, confirm, enqueue validation) makes its own client, so a slow call in one loop never
/// waits behind another loop's. `connections > 1` rotates requests over several connections and
/// sends the chunks of a large batch in parallel; it is for a client shared by concurrent tasks.
public struct JSONRPCClient: Sendable {
    public let url: String
    /// The most calls sent in one HTTP POST; larger batches are split.
    public let maxBatchSize: Int
    private let connections: [HTTPPostClient]
    private let rotation: ConnectionRotation

    public init(url: String, timeoutMilliseconds: Int = 10_000, connections: Int = 1, maxBatchSize: Int = 500,
                name: String = "json-rpc") {
        precondition(connections > 0, "a JSON-RPC client needs at least one connection")
        precondition(maxBatchSize > 0, "maxBatchSize must be positive")
        self.url = url
        self.maxBatchSize = maxBatchSize
        self.connections = (0..<connections).map { index in
            HTTPPostClient(url: url, timeoutMilliseconds: timeoutMilliseconds, name: "\(name)-\(index)")
        }
        rotation = ConnectionRotation(count: connections)
    }

    /// Calls `method` and returns its result (`.null` included); an error object throws `.rpc`.
    public func call(_ method: String, params: [JSONValue] = []) async throws(ChainError) -> JSONValue {
        let body = JSONRPCRequestEncoder.encode(RPCRequest(method, params), id: 1)
        let answer = try await post(body)
        switch try JSONRPCResponseDecoder.single(answer, method: method, id: 1) {
        case .success(let result): return result
        case .failure(let error): throw .rpc(method: method, error)
        }
    }

    /// Sends `requests` as one or more batch POSTs and returns one outcome per request, in
    /// request order. An empty list sends nothing.
    public func batch(_ requests: [RPCRequest]) async throws(ChainError) -> [Result<JSONValue, RPCErrorObject>] {
        if requests.isEmpty { return [] }
        let label = Self.label(requests)
        let starts = Array(stride(from: 0, to: requests.count, by: maxBatchSize))
        if starts.count == 1 || connections.count == 1 {
            var outcomes = [Result<JSONValue, RPCErrorObject>]()
            outcomes.reserveCapacity(requests.count)
            for start in starts {
                let chunk = requests[start..<min(start + maxBatchSize, requests.count)]
                outcomes += try await send(chunk, label: label)
            }
            return outcomes
        }
        // Several connections: the chunks travel in parallel, and are reassembled in order.
        let chunkOutcomes = await withTaskGroup(of: (Int, Result<[Result<JSONValue, RPCErrorObject>], ChainError>).self) { group in
            for (position, start) in starts.enumerated() {
                let chunk = requests[start..<min(start + maxBatchSize, requests.count)]
                // No typed-throws do/catch in the closure (see FailoverRPCClient.batchToEveryEndpoint).
                group.addTask { (position, await sendResult(chunk, label: label)) }
            }
            var collected = [Result<[Result<JSONValue, RPCErrorObject>], ChainError>?](repeating: nil, count: starts.count)
            for await (position, outcome) in group { collected[position] = outcome }
            return collected
        }
        var outcomes = [Result<JSONValue, RPCErrorObject>]()
        outcomes.reserveCapacity(requests.count)
        for chunk in chunkOutcomes {
            guard let chunk else { throw .malformedResponse(method: label, "a batch chunk produced no outcome") }
            outcomes += try chunk.get()
        }
        return outcomes
    }

    /// `batch` with its failure as a value, for task groups.
    func batchResult(_ requests: [RPCRequest]) async -> Result<[Result<JSONValue, RPCErrorObject>], ChainError> {
        do throws(ChainError) {
            return .success(try await batch(requests))
        } catch {
            return .failure(error)
        }
    }

    private func sendResult(_ chunk: ArraySlice<RPCRequest>, label: String) async -> Result<[Result<JSONValue, RPCErrorObject>], ChainError> {
        do throws(ChainError) {
            return .success(try await send(chunk, label: label))
        } catch {
            return .failure(error)
        }
    }

    private func send(_ chunk: ArraySlice<RPCRequest>, label: String) async throws(ChainError) -> [Result<JSONValue, RPCErrorObject>] {
        let body = JSONRPCRequestEncoder.encodeBatch(chunk, firstID: 1)
        let answer = try await post(body)
        return try JSONRPCResponseDecoder.batch(answer, method: label, firstID: 1, count: chunk.count)
    }

    private func post(_ body: [UInt8]) async throws(ChainError) -> [UInt8] {
        let connection = connections[rotation.take()]
        do {
            return try await connection.post(body)
        } catch {
            throw .transport(error)
        }
    }

    /// How a batch is named in errors: its method when all calls share one.
    private static func label(_ requests: [RPCRequest]) -> String {
        let first = requests[0].method
        if requests.allSatisfy({ $0.method == first }) { return "\(first) (batch of \(requests.count))" }
        return "batch of \(requests.count) (\(first), …)"
    }
}
