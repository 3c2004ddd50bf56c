import Synchronization

/// The endpoints of one chain and what is known about their health, shared by every client
/// of a process, so that an endpoint one loop found dead is avoided by the others too.
///
/// It holds the `RPCEndpointSet` (the decisions) behind a lock and one probe client per
/// endpoint: a probe is an `eth_chainId` with a short timeout, and an answer naming another
/// chain than `chainID` excludes the endpoint for good. `onChange` hears every endpoint that
/// starts or stops answering (for the log).
public final class RPCEndpoints: Sendable {
    public typealias ChangeHandler = @Sendable (_ endpoint: RPCEndpointSet.Endpoint) -> Void

    public let urls: [String]
    /// The chain every endpoint must serve; nil skips the check (tests, tools).
    public let chainID: UInt64?
    private let state: Mutex<RPCEndpointSet>
    private let probes: [JSONRPCClient]
    private let onChange: ChangeHandler?

    public static let probeTimeoutMilliseconds = 2_000

    public init(urls: [String], chainID: UInt64? = nil, name: String = "rpc", onChange: ChangeHandler? = nil) {
        precondition(!urls.isEmpty, "at least one RPC endpoint is needed")
        self.urls = urls
        self.chainID = chainID
        self.onChange = onChange
        state = Mutex(RPCEndpointSet(urls: urls))
        // With one endpoint there is nothing to fail over to, so nothing is ever probed.
        probes = urls.count < 2 ? [] : urls.enumerated().map { index, url in
            JSONRPCClient(url: url, timeoutMilliseconds: Self.probeTimeoutMilliseconds, name: "\(name)-probe-\(index)")
        }
    }

    /// A copy of the current state (for `stats`).
    public var snapshot: RPCEndpointSet { state.withLock { $0 } }

    func route() -> [RPCEndpointSet.Attempt] {
        let now = ContinuousClock.now
        return state.withLock { $0.route(now: now) }
    }

    func broadcastTargets() -> [Int] { state.withLock { $0.broadcastTargets() } }

    func answered(_ index: Int) { update(index) { $0.answered(index) } }

    func answeredBroadcast(_ index: Int) { update(index) { $0.answeredBroadcast(index) } }

    func failed(_ index: Int, _ error: ChainError) {
        let now = ContinuousClock.now
        update(index) { $0.failed(index, error: error.description, now: now) }
    }

    /// `index` answered `eth_chainId` with `chainID`: excluded if it is not the configured one.
    /// Returns whether the endpoint may be used.
    func check(_ index: Int, servesChain answered: UInt64) -> Bool {
        guard let chainID, answered != chainID else {
            update(index) { $0.probeAnswered(index) }
            return true
        }
        update(index) { $0.exclude(index, reason: "serves chain \(answered), not the configured \(chainID)") }
        return false
    }

    /// Applies `change` and tells `onChange` (outside the lock) when endpoint `index` started
    /// or stopped answering, or was excluded; a further failure of a failing endpoint is no news.
    private func update(_ index: Int, _ change: (inout RPCEndpointSet) -> Void) {
        let (before, after) = state.withLock { set in
            let before = set.endpoints[index]
            change(&set)
            return (before, set.endpoints[index])
        }
        guard let onChange, Self.kind(before.health) != Self.kind(after.health) else { return }
        onChange(after)
    }

    private static func kind(_ health: RPCEndpointSet.Health) -> Int {
        switch health {
        case .healthy: 0
        case .backingOff, .probing: 1
        case .excluded: 2
        }
    }

    /// Probes `index` (see `RPCEndpointSet.route`) and records the outcome; returns whether
    /// the endpoint may take the request.
    func probe(_ index: Int) async -> Bool {
        guard index < probes.count else { return true }
        do throws(ChainError) {
            let answer = try await probes[index].call("eth_chainId")
            return check(index, servesChain: try RPCValue.uint64(answer, method: "eth_chainId", field: "result"))
        } catch {
            failed(index, error)
            return false
        }
    }
}
