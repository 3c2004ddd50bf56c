/// One of the chain's JSON-RPC endpoints as `stats` shows it: which one the daemon is using,
/// and why the others are not in use (issue 8, item 8).
public struct RPCEndpointState: Sendable, Hashable {
    public enum Health: String, Sendable, Hashable, CaseIterable {
        /// Answered its last request.
        case healthy
        /// Failed; tried again (probed) after `retryInSeconds`.
        case backingOff = "backing_off"
        /// Being probed now.
        case probing
        /// Serves another chain: never used.
        case excluded
    }

    /// The endpoint without credentials, path or query (they may hold API keys).
    public var url: String
    /// Whether the latest request went to this endpoint.
    public var inUse: Bool
    public var health: Health
    public var consecutiveFailures: Int
    public var retryInSeconds: Double?
    public var lastError: String?

    public init(url: String, inUse: Bool, health: Health, consecutiveFailures: Int, retryInSeconds: Double?, lastError: String?) {
        self.url = url
        self.inUse = inUse
        self.health = health
        self.consecutiveFailures = consecutiveFailures
        self.retryInSeconds = retryInSeconds
        self.lastError = lastError
    }
}
