import ChainClient
import PaymentModel

extension SettlementEngine {
    /// Start-up's chain check over every endpoint: one that serves another chain stops
    /// start-up (a misconfigured endpoint must never be used); one that does not answer is
    /// backed off and checked when probed; at least one must answer.
    func checkChain() async throws {
        let answers = await requestChain.client.chainIDOfEveryEndpoint()
        var firstFailure: ChainError?
        for (endpoint, answer) in answers {
            switch answer {
            case .success(let chainID) where chainID != configuration.chainID:
                throw EngineError.wrongChain(expected: configuration.chainID, actual: chainID, endpoint: endpoint)
            case .success:
                continue
            case .failure(let error):
                logger.warning("RPC endpoint not answering at start-up; it is used once it answers", metadata: [
                    "endpoint": "\(endpoint)", "error": "\(error)",
                ])
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure, !answers.contains(where: { (try? $0.answer.get()) != nil }) { throw firstFailure }
    }

    /// The endpoints as `stats` shows them.
    func rpcEndpointStates() -> [RPCEndpointState] {
        let set = rpcEndpoints.snapshot
        let now = ContinuousClock.now
        return set.endpoints.enumerated().map { index, endpoint in
            var state = RPCEndpointState(url: endpoint.displayName, inUse: index == set.inUse, health: .healthy, consecutiveFailures: 0,
                                         retryInSeconds: nil, lastError: nil)
            switch endpoint.health {
            case .healthy:
                break
            case .backingOff(let failures, let retryAt, let lastError):
                state.health = .backingOff
                state.consecutiveFailures = failures
                state.retryInSeconds = max(0, Double((retryAt - now).components.seconds) + Double((retryAt - now).components.attoseconds) / 1e18)
                state.lastError = lastError
            case .probing(let failures, let lastError, _):
                state.health = .probing
                state.consecutiveFailures = failures
                state.lastError = lastError
            case .excluded(let reason):
                state.health = .excluded
                state.lastError = reason
            }
            return state
        }
    }
}
