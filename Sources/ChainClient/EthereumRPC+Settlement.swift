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

    /// The `AuthorizationUsed(authorizer, nonce)` events of `token` from `fromBlock` on: who
    /// settled this authorization, whether it was us or a front-runner (the log's
    /// `transactionHash` says which transaction).
    public func authorizationUsedLogs(token: Address, authorizer: Address, nonce: Bytes32,
                                      fromBlock: UInt64, toBlock: BlockTag = .latest) async throws(ChainError) -> [LogEntry] {
        try await authorizationUsedLogs(token: token, [(authorizer, nonce)], fromBlock: fromBlock, toBlock: toBlock)
    }

    /// `authorizationUsedLogs` for many authorizations in one `eth_getLogs` (topic OR-lists);
    /// only logs whose (authorizer, nonce) pair was asked for are returned.
    public func authorizationUsedLogs(token: Address, _ authorizations: [(authorizer: Address, nonce: Bytes32)],
                                      fromBlock: UInt64, toBlock: BlockTag = .latest) async throws(ChainError) -> [LogEntry] {
        if authorizations.isEmpty { return [] }
        let wanted = Set(authorizations.map { AuthorizationKey(authorizer: Self.topic($0.authorizer), nonce: $0.nonce) })
        let authorizers = Array(Set(authorizations.map { Self.topic($0.authorizer) }))
        let nonces = Array(Set(authorizations.map(\.nonce)))
        let filter = LogFilter(addresses: [token], topics: [[EventTopic.authorizationUsed], authorizers, nonces],
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

    /// An address as an indexed event topic: left-padded to 32 bytes.
    static func topic(_ address: Address) -> Bytes32 {
        // 12 zero bytes + 20 address bytes is always 32 bytes.
        (try? Bytes32(bytes: ABIWord.address(address))) ?? .zero
    }
}

private struct AuthorizationKey: Hashable {
    let authorizer: Bytes32
    let nonce: Bytes32
}
