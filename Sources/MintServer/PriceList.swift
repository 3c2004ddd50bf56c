import Ethereum
import LineProtocolClient
import Logging
import PaymentModel

/// paymentd's price list (`prices`), cached for a few seconds.
///
/// Every 402 challenge is built from the daemon's own numbers, so the challenge and the
/// daemon's enqueue check never disagree, yet an unpaid request costs no socket round trip.
/// When a refresh fails the last list keeps serving challenges (paymentd still checks every
/// payment); only a server that never had a list answers "unavailable".
public actor PriceList {
    private let client: PaymentdClient
    private let lifetime: Duration
    private let logger: Logger
    private var cached: (prices: [Price], at: ContinuousClock.Instant)?
    private var refreshing: Task<Result<[Price], PaymentdClientError>, Never>?

    public init(client: PaymentdClient, lifetime: Duration, logger: Logger) {
        self.client = client
        self.lifetime = lifetime
        self.logger = logger
    }

    /// The current list (fetched when the cached one is older than its lifetime).
    public func prices() async throws(PaymentdClientError) -> [Price] {
        if let cached, ContinuousClock.now - cached.at < lifetime { return cached.prices }
        let task: Task<Result<[Price], PaymentdClientError>, Never>
        if let refreshing {
            task = refreshing
        } else {
            task = Task { [client] in
                do throws(PaymentdClientError) {
                    return .success(try await client.prices())
                } catch {
                    return .failure(error)
                }
            }
            refreshing = task
        }
        let result = await task.value
        if refreshing == task { refreshing = nil }
        switch result {
        case .success(let prices):
            cached = (prices, ContinuousClock.now)
            return prices
        case .failure(let error):
            if let cached {
                logger.warning("paymentd's price list could not be refreshed; serving the last one", metadata: ["error": "\(error)"])
                return cached.prices
            }
            throw error
        }
    }

    /// The price of one item of the mint token `token`, nil when paymentd does not sell it.
    public func mintPrice(token: String) async throws(PaymentdClientError) -> Price? {
        let wanted = token.lowercased()
        return try await prices().first { $0.type == .mint && $0.token?.lowercased() == wanted }
    }

    /// The one mint product a request without a token buys: `preferred`, else the only one sold.
    public func defaultMintPrice(preferred: String?) async throws(PaymentdClientError) -> Price? {
        if let preferred { return try await mintPrice(token: preferred) }
        let mints = try await prices().filter { $0.type == .mint }
        return mints.count == 1 ? mints[0] : nil
    }
}
