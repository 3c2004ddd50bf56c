/// Which of several JSON-RPC endpoints of one chain a request goes to, and when an endpoint
/// that failed is tried again: the failover decisions, apart from the I/O (issue 8, item 8).
///
/// Endpoints are listed in order of preference. A request goes to the first healthy one and,
/// if that fails, on down the list. An endpoint that fails (no HTTP answer, a non-2xx status,
/// an answer that is not JSON-RPC) is backed off — 1 s after its first failure, doubling to
/// 30 s — and, once its time is up, probed before real traffic goes back to it. While no
/// endpoint is healthy every request tries them all in turn (the request is then the probe),
/// so one endpoint behaves exactly like a plain client. An endpoint found serving another
/// chain is excluded for good.
///
/// A value type: each transition is a method, tested without a network; `RPCEndpoints` holds
/// the shared copy and `FailoverRPCClient` performs the I/O it decides.
public struct RPCEndpointSet: Sendable, Equatable {
    /// What is known about one endpoint.
    public enum Health: Sendable, Equatable {
        /// Its last request was answered.
        case healthy
        /// It failed `failures` times in a row; it is not tried before `retryAt` while another
        /// endpoint answers.
        case backingOff(failures: Int, retryAt: ContinuousClock.Instant, lastError: String)
        /// Its backoff ended and one request is probing it; the others leave it alone until
        /// the probe ends (or `since` is `longestBackoff` ago: a probe that never reported).
        case probing(failures: Int, lastError: String, since: ContinuousClock.Instant)
        /// It serves another chain than the configured one: never used again.
        case excluded(reason: String)
    }

    public struct Endpoint: Sendable, Equatable {
        public let url: String
        public fileprivate(set) var health: Health

        /// The URL without credentials, path or query (API keys often live there): fit for
        /// logs and `stats`.
        public var displayName: String { RPCEndpointURL.redacted(url) }
    }

    /// One step of a request's route: which endpoint, and whether to probe it first.
    public struct Attempt: Sendable, Equatable {
        public let endpoint: Int
        public let probeFirst: Bool

        public init(endpoint: Int, probeFirst: Bool) {
            self.endpoint = endpoint
            self.probeFirst = probeFirst
        }
    }

    public static let firstBackoff: Duration = .seconds(1)
    public static let longestBackoff: Duration = .seconds(30)

    public private(set) var endpoints: [Endpoint]
    /// The endpoint that answered the latest request: the one in use.
    public private(set) var inUse: Int

    public init(urls: [String]) {
        precondition(!urls.isEmpty, "an endpoint set needs at least one URL")
        endpoints = urls.map { Endpoint(url: $0, health: .healthy) }
        inUse = 0
    }

    /// The order in which a request tries the endpoints. Healthy endpoints and those whose
    /// backoff is over come first, in order of preference; an endpoint whose backoff is over
    /// is probed first when a healthy one exists to fall back on (and is marked `probing`, so
    /// concurrent requests do not probe it too). The rest follow, soonest retry first, as a
    /// last resort. Excluded endpoints never appear.
    public mutating func route(now: ContinuousClock.Instant) -> [Attempt] {
        let someoneAnswers = endpoints.contains { $0.health == .healthy }
        var preferred: [Attempt] = []
        var lastResort: [(endpoint: Int, retryAt: ContinuousClock.Instant)] = []
        for index in endpoints.indices {
            switch endpoints[index].health {
            case .healthy:
                preferred.append(Attempt(endpoint: index, probeFirst: false))
            case .backingOff(let failures, let retryAt, let lastError) where retryAt <= now:
                if someoneAnswers {
                    endpoints[index].health = .probing(failures: failures, lastError: lastError, since: now)
                    preferred.append(Attempt(endpoint: index, probeFirst: true))
                } else {
                    preferred.append(Attempt(endpoint: index, probeFirst: false))
                }
            case .backingOff(_, let retryAt, _):
                lastResort.append((index, retryAt))
            case .probing(let failures, let lastError, let since) where since + Self.longestBackoff <= now:
                endpoints[index].health = .probing(failures: failures, lastError: lastError, since: now)
                preferred.append(Attempt(endpoint: index, probeFirst: someoneAnswers))
            case .probing(_, _, let since):
                lastResort.append((index, since + Self.longestBackoff))
            case .excluded:
                break
            }
        }
        return preferred + lastResort.sorted { $0.retryAt < $1.retryAt }.map { Attempt(endpoint: $0.endpoint, probeFirst: false) }
    }

    /// The endpoints a broadcast goes to: every healthy one (a transaction known to one node
    /// is enough, and the others learn it from their peers), or, while none is healthy, every
    /// endpoint not excluded. Endpoints known to be failing are left out, so a dead endpoint
    /// neither delays broadcasts nor keeps a refusal from the live ones from counting.
    public func broadcastTargets() -> [Int] {
        let healthy = endpoints.indices.filter { endpoints[$0].health == .healthy }
        if !healthy.isEmpty { return healthy }
        return endpoints.indices.filter {
            if case .excluded = endpoints[$0].health { return false }
            return true
        }
    }

    /// `index` answered a request: healthy, and the one in use.
    public mutating func answered(_ index: Int) {
        guard !isExcluded(index) else { return }
        endpoints[index].health = .healthy
        inUse = index
    }

    /// `index` answered a broadcast (which goes to every healthy endpoint at once): healthy, but
    /// the endpoint in use stays the one requests are routed to, unless that one is not healthy.
    public mutating func answeredBroadcast(_ index: Int) {
        guard !isExcluded(index) else { return }
        endpoints[index].health = .healthy
        if endpoints[inUse].health != .healthy { inUse = index }
    }

    /// `index` answered a probe: healthy again (it becomes the one in use when it answers a request).
    public mutating func probeAnswered(_ index: Int) {
        guard !isExcluded(index) else { return }
        endpoints[index].health = .healthy
    }

    /// `index` failed: backed off for `firstBackoff` after a first failure, twice as long
    /// after each further one, at most `longestBackoff`.
    public mutating func failed(_ index: Int, error: String, now: ContinuousClock.Instant) {
        let failures: Int
        switch endpoints[index].health {
        case .healthy: failures = 1
        case .backingOff(let previous, _, _), .probing(let previous, _, _): failures = previous + 1
        case .excluded: return
        }
        endpoints[index].health = .backingOff(failures: failures, retryAt: now + Self.backoff(afterFailures: failures), lastError: error)
    }

    /// `index` serves another chain: never used again.
    public mutating func exclude(_ index: Int, reason: String) {
        endpoints[index].health = .excluded(reason: reason)
        if inUse == index, let healthy = endpoints.indices.first(where: { endpoints[$0].health == .healthy }) { inUse = healthy }
    }

    /// How long an endpoint is left alone after `failures` failures in a row.
    public static func backoff(afterFailures failures: Int) -> Duration {
        let doublings = min(max(failures - 1, 0), 5)
        return min(firstBackoff * (1 << doublings), longestBackoff)
    }

    private func isExcluded(_ index: Int) -> Bool {
        if case .excluded = endpoints[index].health { return true }
        return false
    }
}
