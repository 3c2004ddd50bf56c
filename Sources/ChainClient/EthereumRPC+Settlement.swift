import Ethereum
import JSON

/// The questions the settlement engine asks of USDC and the mint contract, batched.
extension EthereumRPC {
    /// For each (authorizer, nonce): whether the token considers the EIP-3009 authorization used
    /// or cancelled (`authorizationState`), as of `block`. One batch of `eth_call`s.
    public func authorizationStates(token: Address, _ authorizations: [(authorizer: Address, nonce: Bytes32)],
                                    block: BlockTag = .latest) async throws(ChainError) -> [Bool] {
        let requests = authorizations.map {
            CallRequest(to: token, data: USDCCalldata.authorizationState(authorizer: $0.authorizer, nonce: $0.nonce), block: block)
        }
        return try await boolViews(requests, function: "authorizationState", contract: token)
    }

    /// `authorizationStates` of authorizations of any tokens and the chain head in one batch
    /// (enqueue's group commit): the head is asked first, so any later use of an authorization
    /// found unused here is in a block after (about) `head`.
    public func authorizationStatesWithHead(_ authorizations: [(token: Address, authorizer: Address, nonce: Bytes32)])
        async throws(ChainError) -> (states: [Bool], head: UInt64) {
        let requests = [RPCRequest("eth_blockNumber", [])] + authorizations.map {
            RPCRequest("eth_call", [Self.transactionObject(from: nil, to: $0.token, data: USDCCalldata.authorizationState(authorizer: $0.authorizer, nonce: $0.nonce)),
                                    BlockTag.latest.json])
        }
        let outcomes = try await client.batch(requests)
        let head: UInt64
        switch outcomes[0] {
        case .success(let value): head = try RPCValue.uint64(value, method: "eth_blockNumber", field: "result")
        case .failure(let error): throw .rpc(method: "eth_blockNumber", error)
        }
        var states = [Bool]()
        for (index, outcome) in outcomes.dropFirst().enumerated() {
            switch outcome {
            case .success(let value):
                let data = try RPCValue.data(value, method: "eth_call", field: "result[\(index)]")
                do throws(EthereumError) {
                    states.append(try ABI.decodeBool(data))
                } catch {
                    throw .malformedResponse(method: "eth_call", "authorizationState of \(authorizations[index].token) (call \(index)) returned \(error.description)")
                }
            case .failure(let error):
                throw .rpc(method: "eth_call", error)
            }
        }
        return (states, head)
    }

    /// The `AuthorizationUsed(authorizer, nonce)` events of `token` from `fromBlock` on: who
    /// settled this authorization, whether it was us or a front-runner (the log's
    /// `transactionHash` says which transaction).
    public func authorizationUsedLogs(token: Address, authorizer: Address, nonce: Bytes32,
                                      fromBlock: UInt64, toBlock: BlockTag = .latest) async throws(ChainError) -> [LogEntry] {
        try await authorizationUsedLogs(token: token, [(authorizer, nonce)], fromBlock: fromBlock, toBlock: toBlock)
    }

    /// `authorizationUsedLogs` for many authorizations in one `eth_getLogs` (topic OR-lists);
    /// only logs whose (authorizer, nonce) pair was asked for are returned. `events` may add
    /// `AuthorizationCanceled`, which has the same indexed fields.
    public func authorizationUsedLogs(token: Address, _ authorizations: [(authorizer: Address, nonce: Bytes32)],
                                      fromBlock: UInt64, toBlock: BlockTag = .latest,
                                      events: [Bytes32] = [EventTopic.authorizationUsed]) async throws(ChainError) -> [LogEntry] {
        if authorizations.isEmpty { return [] }
        let wanted = Set(authorizations.map { AuthorizationKey(authorizer: EventTopic.address($0.authorizer), nonce: $0.nonce) })
        let authorizers = Array(Set(authorizations.map { EventTopic.address($0.authorizer) }))
        let nonces = Array(Set(authorizations.map(\.nonce)))
        let filter = LogFilter(addresses: [token], topics: [events, authorizers, nonces],
                               range: .blocks(from: .number(fromBlock), to: toBlock))
        return try await logs(filter).filter { log in
            log.topics.count >= 3 && wanted.contains(AuthorizationKey(authorizer: log.topics[1], nonce: log.topics[2]))
        }
    }

    /// For each dedupe hash: whether the mint contract has minted it (`hasMinted`). One batch.
    public func hasMinted(token: Address, hashes: [Bytes32], block: BlockTag = .latest) async throws(ChainError) -> [Bool] {
        let requests = hashes.map { CallRequest(to: token, data: MintContractCalldata.hasMinted($0), block: block) }
        return try await boolViews(requests, function: "hasMinted", contract: token)
    }

    /// `hasMinted` judged per hash: true or false where the contract answered a bool, nil where
    /// it did not (an address that is not a mint contract answers `0x`, or reverts). One batch;
    /// only a node or transport failure throws, so one bad token cannot fail the others' jobs.
    public func mintedStates(token: Address, hashes: [Bytes32], block: BlockTag = .latest) async throws(ChainError) -> [Bool?] {
        let outcomes = try await calls(hashes.map { CallRequest(to: token, data: MintContractCalldata.hasMinted($0), block: block) })
        return outcomes.map { outcome in
            guard case .returned(let data) = outcome else { return nil }
            return try? ABI.decodeBool(data)
        }
    }

    /// Batched calls of a `bool` view; a revert or non-bool answer means the address is not the
    /// contract we think it is, so it is a malformed answer, not a false.
    private func boolViews(_ requests: [CallRequest], function: String, contract: Address) async throws(ChainError) -> [Bool] {
        let outcomes = try await calls(requests)
        var flags = [Bool]()
        flags.reserveCapacity(outcomes.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .returned(let data):
                do throws(EthereumError) {
                    flags.append(try ABI.decodeBool(data))
                } catch {
                    throw .malformedResponse(method: "eth_call", "\(function) of \(contract) (call \(index)) returned \(error.description)")
                }
            case .reverted(let reason, _):
                throw .malformedResponse(method: "eth_call", "\(function) of \(contract) (call \(index)) \(reason); is the contract address right?")
            }
        }
        return flags
    }

}

private struct AuthorizationKey: Hashable {
    let authorizer: Bytes32
    let nonce: Bytes32
}
