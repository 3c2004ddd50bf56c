import ChainClient
import Ethereum
import Foundation
import Logging
import PaymentModel
import PaymentStore
import Postgres
import ServiceLifecycle

/// The settlement engine: validates and queues payments, relays them from the hot wallets,
/// confirms them and mints what they bought, exactly once.
///
/// It implements `PaymentService` for the socket server and runs three loops (`run()`): the
/// payment sender, the confirmer and the mint sender. Each loop owns a database session and an
/// RPC connection, so none waits behind another. State shared between them is small and
/// explicit: the signer lanes (nonces), the live settings, the wake signals and the event hub.
public final class SettlementEngine: PaymentService {
    public let configuration: EngineConfiguration
    public let heartbeats = LoopHeartbeats()
    public let version: String
    let logger: Logger
    let settings: LiveSettings
    let livePrices: LiveValue<PriceList>
    let events = EventHub()
    let paymentLanes: SignerLanes
    let mintLanes: SignerLanes
    let feeEscalation = FeeEscalation()
    let sendWake = WakeSignal()
    let mintWake = WakeSignal()
    let requests: SessionPool
    let requestChain: EthereumRPC
    /// Enqueue's group commits: the idempotency-key lookup and chain check, then the insert.
    let screening = GroupCommit<CheckedPayment, Screening>(maxBatch: 256, concurrency: 2)
    let queueing = GroupCommit<NewPayment, Result<Queued, PaymentError>>(maxBatch: 256, concurrency: 2)
    let conninfo: String
    /// The chain's JSON-RPC endpoints and their health, shared by every loop's client.
    let rpcEndpoints: RPCEndpoints
    let offline: AuthorizationCheck
    let unreadableRows: UnreadableRowReporter
    /// The signer lanes and coordinator work this instance holds (several may share a database).
    public let leases: LeaseKeeper
    let signerBalances = SignerBalances()
    /// What mint tokens have left to sell, for enqueue's supply reservation.
    let supplyReader: SupplyReader
    /// The `eth_getLogs` span the provider accepts (front-run and authorization-use searches).
    let logRange: LogRange
    /// Told every settings value applied (start, reload, `settings set`, another instance's change).
    let settingsApplied: (@Sendable (EngineSettings) -> Void)?

    /// `rpcURLs`: the chain's JSON-RPC endpoints, in order of preference (see `RPCEndpointSet`).
    /// `settingsApplied` sees each settings value as it takes effect (the daemon's log level).
    public init(configuration: EngineConfiguration, conninfo: String, rpcURLs: [String], version: String = "dev",
                logger: Logger = Logger(label: "paymentd.engine"), settingsApplied: (@Sendable (EngineSettings) -> Void)? = nil) {
        self.configuration = configuration
        self.settingsApplied = settingsApplied
        self.conninfo = conninfo
        rpcEndpoints = RPCEndpoints(urls: rpcURLs, chainID: configuration.chainID, onChange: { endpoint in
            switch endpoint.health {
            case .healthy: logger.notice("RPC endpoint answering", metadata: ["endpoint": "\(endpoint.displayName)"])
            case .backingOff(_, _, let error), .probing(_, let error, _):
                logger.warning("RPC endpoint failing: backed off, requests go to any other endpoint",
                               metadata: ["endpoint": "\(endpoint.displayName)", "error": "\(error)"])
            case .excluded(let reason):
                logger.error("RPC endpoint excluded", metadata: ["endpoint": "\(endpoint.displayName)", "reason": "\(reason)"])
            }
        })
        self.version = version
        self.logger = logger
        settings = LiveSettings(EngineSettings())
        livePrices = LiveValue(configuration.prices)
        paymentLanes = SignerLanes(configuration.paymentSigners.map { NonceLane(key: $0, role: .payment, next: 0) })
        mintLanes = SignerLanes(configuration.minter.map { [NonceLane(key: $0, role: .mint, next: 0)] } ?? [])
        requests = SessionPool(conninfo: conninfo, size: 4, name: "requests")
        requestChain = EthereumRPC(endpoints: rpcEndpoints, timeoutMilliseconds: 10_000, connections: 2, name: "rpc-requests")
        supplyReader = SupplyReader(chain: requestChain)
        logRange = LogRange(logger: logger)
        offline = AuthorizationCheck(configuration: configuration)
        unreadableRows = UnreadableRowReporter(logger: logger)
        leases = LeaseKeeper(conninfo: conninfo, instanceName: configuration.instanceName)
    }

    /// An engine on one JSON-RPC endpoint.
    public convenience init(configuration: EngineConfiguration, conninfo: String, rpcURL: String, version: String = "dev",
                            logger: Logger = Logger(label: "paymentd.engine")) {
        self.init(configuration: configuration, conninfo: conninfo, rpcURLs: [rpcURL], version: version, logger: logger)
    }

    /// A chain client of its own (own connections) for one loop, over the shared endpoints.
    func chainClient(name: String, timeoutMilliseconds: Int) -> EthereumRPC {
        EthereumRPC(endpoints: rpcEndpoints, timeoutMilliseconds: timeoutMilliseconds, name: name)
    }

    // MARK: Lifecycle

    /// Everything that must hold before the daemon says READY: the database answers and has the
    /// schema, the chain is the configured one, settings and the price list (with its overrides)
    /// are loaded, nonce state is rebuilt from chain and database, and anything signed but maybe
    /// not broadcast has been rebroadcast.
    ///
    /// While no RPC endpoint can be reached (refused, timed out, answering 5xx) the daemon waits
    /// up to `chainWait`, as for a node restarting under it: it is not READY meanwhile. A wrong
    /// chain on any endpoint, or anything an endpoint answers, fails at once.
    public func prepare(migrationsDirectory: String, chainWait: Duration = .seconds(60)) async throws {
        let session = requests.next
        let applied = try await session.withConnection { conn in try MigrationRunner(directory: migrationsDirectory).apply(on: conn) }
        if !applied.isEmpty { logger.info("applied migrations", metadata: ["versions": "\(applied.joined(separator: ","))"]) }
        try await loadSettings()
        try await loadPrices()
        let deadline = ContinuousClock.now + chainWait
        var backoff = RetryBackoff()
        while true {
            do {
                // Every endpoint that answers must serve the configured chain; at least one must answer.
                try await checkChain()
                // Leases first: only lanes this instance holds are rebuilt and used.
                try await leases.refresh(self)
                return
            } catch let error as ChainError {
                guard case .transport = error, ContinuousClock.now < deadline else { throw error }
                let delay = backoff.failed()
                logger.warning("no RPC endpoint can be reached; waiting for one before READY",
                               metadata: ["error": "\(error)", "attempt": "\(backoff.failures)"])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// The three loops as services for the daemon's `ServiceGroup` (send, confirm, mint), and
    /// a last one that closes every `watch` stream once they have stopped.
    public var services: [any Service] {
        [EngineEventsCloser(events: events), leases.loop(self), PaymentSender(engine: self).loop, PaymentConfirmer(engine: self).loop,
         MintSender(engine: self).loop]
    }

    /// Runs the loops until the task is cancelled (tests; the daemon runs `services`). A
    /// cancelled loop finishes the iteration it is in (its broadcasts and their database writes)
    /// before returning.
    public func run() async {
        let loops = [leases.loop(self), PaymentSender(engine: self).loop, PaymentConfirmer(engine: self).loop, MintSender(engine: self).loop]
        await withTaskGroup(of: Void.self) { group in
            for loop in loops { group.addTask { await loop.runUntilCancelled() } }
        }
        events.finishAll()
    }

    /// Re-reads `system_settings` and `paymentd_prices` (SIGHUP, or after `settings set`). Price
    /// overrides that cannot be used are logged and the prices in use kept.
    public func reloadSettings() async throws {
        try await loadSettings()
        await reloadPrices()
    }

    /// Reads `system_settings` and the price overrides again and applies what changed: how a
    /// change made through another instance on the same database (or by SQL) reaches this
    /// one. Returns whether the settings changed; the loops are woken only then.
    @discardableResult
    public func refreshSettings() async throws -> Bool {
        let (parsed, _) = try await readSettings()
        await reloadPrices()
        guard parsed != settings.current else { return false }
        apply(parsed)
        return true
    }

    private func loadSettings() async throws {
        let (parsed, problems) = try await readSettings()
        for problem in problems { logger.warning("ignoring invalid setting", metadata: ["setting": "\(problem)"]) }
        apply(parsed)
    }

    /// `system_settings` parsed, with the problems of the rows that could not be (kept at their defaults).
    private func readSettings() async throws -> (EngineSettings, [String]) {
        let rows = try await requests.next.withConnection { conn in try SystemSettings.all(on: conn).map { ($0.key, $0.value) } }
        let (parsed, problems) = EngineSettings.parse(Dictionary(rows, uniquingKeysWith: { _, last in last }))
        return (parsed, problems)
    }

    private func apply(_ parsed: EngineSettings) {
        settings.replace(parsed)
        settingsApplied?(parsed)
        sendWake.signal()
        mintWake.signal()
    }

    public var currentSettings: EngineSettings { settings.current }

    // MARK: PaymentService

    func sameAuthorization(_ existing: PaymentRow, _ checked: CheckedPayment) throws(PaymentError) -> EnqueueResult {
        guard existing.transfer?.nonce == checked.transfer.nonce, existing.payer == checked.transfer.from else {
            throw .idempotencyKeyConflict(existingPaymentID: existing.id)
        }
        return EnqueueResult(paymentID: existing.id, status: existing.status, duplicate: true)
    }

    public func status(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        let id = try Self.uuid(paymentID)
        let found = try await database(.read) {
            try await requests.next.withConnection { conn -> (PaymentRow, [MintJobRow])? in
                guard let row = try PaymentQueue.byID(id, on: conn) else { return nil }
                return (row, try MintQueue.jobs(paymentID: id, on: conn))
            }
        }
        guard let (row, mints) = found else { throw .notFound(paymentID: paymentID) }
        return PaymentSnapshots.make(row, mints: mints)
    }

    public func list(_ filter: PaymentListFilter) async throws(PaymentError) -> [PaymentSnapshot] {
        let limit = min(max(filter.limit, 1), 1000)
        let batch = try await database(.read) {
            try await requests.next.withConnection { conn in
                let rows = try PaymentQueue.list(status: filter.status, payer: filter.payer, olderThanSeconds: filter.olderThanSeconds,
                                                 settlementLost: filter.settlementLost, refundDue: filter.refundDue,
                                                 nonce: filter.nonce, limit: limit, on: conn)
                // What is owed needs the mints; read them for the (few) payments that owe.
                let mints = filter.refundDue ? try rows.rows.map { try MintQueue.jobs(paymentID: $0.id, on: conn) } : []
                return (rows, mints)
            }
        }
        unreadableRows.report(batch.0.unreadable, by: "list")
        return batch.0.rows.enumerated().map { PaymentSnapshots.make($1, mints: filter.refundDue ? batch.1[$0] : []) }
    }

    public func stats() async throws(PaymentError) -> PaymentStats {
        let queue = try await database(.read) { try await requests.next.withConnection { conn in try StatsQuery.run(on: conn) } }
        let signers = await signerBalances.fill(await paymentLanes.snapshot + mintLanes.snapshot, chain: requestChain, settings: settings.current)
        return PaymentStats(counts: queue.counts, queueDepth: queue.counts[.pending] ?? 0,
                            oldestPendingAgeSeconds: queue.oldestPendingAgeSeconds, oldestSentAgeSeconds: queue.oldestSentAgeSeconds,
                            confirmationRate: queue.confirmationRate, averageProcessingSeconds: queue.averageProcessingSeconds,
                            mintCounts: queue.mintCounts, signers: signers, rpcEndpoints: rpcEndpointStates(),
                            settlementsLost: queue.settlementsLost, settlementsRestoring: queue.settlementsRestoring, refundsDue: queue.refundsDue,
                            instance: configuration.instanceName, leases: await leases.holders(self))
    }

    public func retry(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        let id = try Self.uuid(paymentID)
        let snapshot = try await status(paymentID: id)
        guard snapshot.status == .failed || snapshot.status == .confirmationFailed else {
            throw .invalidTransition(paymentID: id, status: snapshot.status, action: "retried (only failed payments can be)")
        }
        let row = try await database(.read) { try await requests.next.withConnection { conn in try PaymentQueue.byID(id, on: conn) } }
        guard let row, let auth = row.authorization else {
            throw .invalidTransition(paymentID: id, status: snapshot.status, action: "retried: its stored authorization is unreadable")
        }
        let request = PaymentRequest(type: row.type, token: row.token?.checksummed, paymentToken: row.paymentToken.checksummed,
                                     amount: row.amount.description, authorization: auth, metadata: row.metadata ?? .object([:]))
        let checked = try offline.check(request, settings: settings.current, prices: livePrices.current, now: Date())
        _ = try await checkUnused([checked])[0].get()
        try await database(.change) { try await requests.next.withConnection { conn in try PaymentQueue.returnToPending([(id, "retried by operator")], on: conn) } }
        sendWake.signal()
        events.publish(ids: [id], status: .pending)
        return try await status(paymentID: id)
    }

    /// Puts a payment's failed mint jobs back in the queue (an operator's `retry_mint`, once the
    /// cause — a token misconfigured, a minter without the role — is fixed).
    public func retryMints(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        let id = try Self.uuid(paymentID)
        let snapshot = try await status(paymentID: id)
        guard snapshot.mints.contains(where: { $0.status == .failed }) else {
            throw .invalidTransition(paymentID: id, status: snapshot.status, action: "given its mints again (it has no failed mint job)")
        }
        guard snapshot.status == .completed, snapshot.settlementLost == nil else {
            throw .invalidTransition(paymentID: id, status: snapshot.status,
                                     action: "given its mints again (it is not paid: \(snapshot.settlementLost.map { "its settlement was lost, \($0)" } ?? "not completed"))")
        }
        if let refund = snapshot.refundTxHash {
            throw .invalidTransition(paymentID: id, status: snapshot.status,
                                     action: "given its mints again (its buyer was refunded for them by transaction \(refund))")
        }
        let requeued = try await database(.change) { try await requests.next.withConnection { conn in try MintQueue.requeueFailed(paymentID: id, on: conn) } }
        logger.notice("failed mint jobs requeued by operator", metadata: ["payment_id": "\(id)", "jobs": "\(requeued)"])
        mintWake.signal()
        return try await status(paymentID: id)
    }

    public func settings() async throws(PaymentError) -> [Setting] {
        let rows = try await database(.read) { try await requests.next.withConnection { conn in try SystemSettings.all(on: conn) } }
        return rows.map { Setting(key: $0.key, value: $0.value, description: $0.description ?? EngineSettings.description(of: $0.key) ?? "") }
    }

    public func updateSetting(key: String, value: String) async throws(PaymentError) -> [Setting] {
        if let problem = EngineSettings.validate(key: key, value: value) { throw problem }
        let description = EngineSettings.description(of: key)
        try await database(.change) { try await requests.next.withConnection { conn in try SystemSettings.set(key: key, value: value, description: description, on: conn) } }
        do {
            try await reloadSettings()
        } catch {
            throw .unavailable(code: "database_unavailable", message: "The setting was saved but could not be reloaded: \(error)")
        }
        logger.notice("setting changed", metadata: ["key": "\(key)", "value": "\(value)"])
        return try await settings()
    }

    public func events() async -> AsyncStream<PaymentEvent> {
        events.subscribe()
    }

    // MARK: Helpers

    static func uuid(_ text: String) throws(PaymentError) -> String {
        guard let uuid = UUID(uuidString: text) else { throw .invalidRequest(field: "payment_id", reason: "must be a UUID") }
        return uuid.uuidString.lowercased()
    }
}

/// Why the engine cannot start.
public enum EngineError: Error, CustomStringConvertible {
    case wrongChain(expected: UInt64, actual: UInt64, endpoint: String)

    public var description: String {
        switch self {
        case .wrongChain(let expected, let actual, let endpoint):
            "The RPC endpoint \(endpoint) serves chain \(actual), but paymentd is configured for chain \(expected). "
                + "Fix the RPC URL or the chain id."
        }
    }
}
