import JSON

/// A JSON-RPC client over several endpoints of one chain: the I/O half of failover (issue 8,
/// item 8); `RPCEndpointSet` decides, this performs.
///
/// Reads go to one endpoint at a time along the set's route: an endpoint that gives no usable
/// answer is marked failed and the same request goes to the next, so a read fails only when no
/// endpoint answers. Broadcasts go to every healthy endpoint at once (`batchToEveryEndpoint`);
/// merging their answers is the caller's (`BroadcastOutcome.merged`). A node's JSON-RPC error
/// is an answer, not a failure of the endpoint. Each endpoint has connections of its own here;
/// the health state is shared through `RPCEndpoints`.
public struct FailoverRPCClient: Sendable {
    public let endpoints: RPCEndpoints
    private let clients: [JSONRPCClient]

    /// Clients for every endpoint of `endpoints`; see `JSONRPCClient` for the parameters.
    public init(endpoints: RPCEndpoints, timeoutMilliseconds: Int = 10_000, connections: Int = 1, maxBatchSize: Int = 500,
                name: String = "eth-rpc") {
        self.endpoints = endpoints
        clients = endpoints.urls.enumerated().map { index, url in
            JSONRPCClient(url: url, timeoutMilliseconds: timeoutMilliseconds, connections: connections, maxBatchSize: maxBatchSize,
                          name: endpoints.urls.count == 1 ? name : "\(name)-\(index)")
        }
    }

    /// One endpoint: behaves as `client` alone.
    public init(client: JSONRPCClient) {
        endpoints = RPCEndpoints(urls: [client.url])
        clients = [client]
    }

    /// The most calls sent in one HTTP POST.
    public var maxBatchSize: Int { clients[0].maxBatchSize }

    /// `JSONRPCClient.call` on the first endpoint that answers.
    public func call(_ method: String, params: [JSONValue] = []) async throws(ChainError) -> JSONValue {
        try await routed { client throws(ChainError) in try await client.call(method, params: params) }
    }

    /// `JSONRPCClient.batch` on the first endpoint that answers.
    public func batch(_ requests: [RPCRequest]) async throws(ChainError) -> [Result<JSONValue, RPCErrorObject>] {
        try await routed { client throws(ChainError) in try await client.batch(requests) }
    }

    /// Sends `requests` to every broadcast target at once and returns each target's answer (or
    /// why it gave none), keyed by endpoint URL, in endpoint order.
    public func batchToEveryEndpoint(_ requests: [RPCRequest]) async -> [(endpoint: String, answer: Result<[Result<JSONValue, RPCErrorObject>], ChainError>)] {
        let targets = endpoints.broadcastTargets()
        let answers = await withTaskGroup(of: (Int, Result<[Result<JSONValue, RPCErrorObject>], ChainError>).self) { group in
            for index in targets {
                let client = clients[index]
                // The typed-throws do/catch stays out of the task's closure: returning the tuple
                // from inside it was miscompiled in release builds (Swift 6.3: the index came back
                // as garbage, so no endpoint's answer was found and every broadcast failed).
                group.addTask { (index, await client.batchResult(requests)) }
            }
            var collected: [Int: Result<[Result<JSONValue, RPCErrorObject>], ChainError>] = [:]
            for await (index, answer) in group { collected[index] = answer }
            return collected
        }
        var results: [(endpoint: String, answer: Result<[Result<JSONValue, RPCErrorObject>], ChainError>)] = []
        for index in targets {
            guard let answer = answers[index] else { continue }
            record(answer.map { _ in () }, endpoint: index, broadcast: true)
            results.append((RPCEndpointURL.redacted(endpoints.urls[index]), answer))
        }
        return results
    }

    /// Asks every endpoint that is not excluded for its chain id (at start-up: each must serve
    /// the configured chain). Endpoints that answer another chain are excluded; those that do
    /// not answer are backed off and checked when probed.
    public func chainIDOfEveryEndpoint() async -> [(endpoint: String, answer: Result<UInt64, ChainError>)] {
        var results: [(endpoint: String, answer: Result<UInt64, ChainError>)] = []
        for (index, client) in clients.enumerated() {
            let answer: Result<UInt64, ChainError>
            do throws(ChainError) {
                let value = try await client.call("eth_chainId")
                answer = .success(try RPCValue.uint64(value, method: "eth_chainId", field: "result"))
            } catch {
                answer = .failure(error)
            }
            switch answer {
            case .success(let chainID):
                if endpoints.check(index, servesChain: chainID) { endpoints.answered(index) }
            case .failure(let error):
                record(.failure(error), endpoint: index)
            }
            results.append((RPCEndpointURL.redacted(endpoints.urls[index]), answer))
        }
        return results
    }

    private func routed<T>(_ body: (JSONRPCClient) async throws(ChainError) -> T) async throws(ChainError) -> T {
        var lastFailure: ChainError?
        for attempt in endpoints.route() {
            if attempt.probeFirst, await !endpoints.probe(attempt.endpoint) { continue }
            do throws(ChainError) {
                let value = try await body(clients[attempt.endpoint])
                endpoints.answered(attempt.endpoint)
                return value
            } catch {
                record(.failure(error), endpoint: attempt.endpoint)
                guard error.isEndpointFailure else { throw error }
                lastFailure = error
            }
        }
        throw lastFailure ?? .noUsableEndpoint("every configured RPC endpoint serves another chain")
    }

    /// Marks `endpoint` answered, or failed when `outcome` is a failure of the endpoint itself.
    /// A broadcast's answers keep the endpoint in use where it was (every endpoint answers one).
    private func record(_ outcome: Result<Void, ChainError>, endpoint: Int, broadcast: Bool = false) {
        switch outcome {
        case .failure(let error) where error.isEndpointFailure: endpoints.failed(endpoint, error)
        case .success, .failure:
            if broadcast { endpoints.answeredBroadcast(endpoint) } else { endpoints.answered(endpoint) }
        }
    }
}

extension ChainError {
    /// Whether the endpoint gave no usable answer (rather than a node's JSON-RPC error): the
    /// failures that make a request go to the next endpoint.
    public var isEndpointFailure: Bool {
        switch self {
        case .transport, .malformedResponse, .noUsableEndpoint: true
        case .rpc: false
        }
    }
}
