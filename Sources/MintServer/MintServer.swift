import Hummingbird
import LineProtocolClient
import Logging
import ServiceLifecycle

/// mint-server assembled: one `PaymentdClient`, the price cache, the watch service and the
/// routes behind a Hummingbird `Application`, as the services of one `ServiceGroup` that shuts
/// down gracefully on SIGTERM and SIGINT (in-flight requests finish, then the watch closes).
public struct MintServer: Sendable {
    public let configuration: MintServerConfiguration
    public let client: PaymentdClient
    public let signals: PaymentSignals
    let routes: MintServerRoutes
    let logger: Logger

    public init(configuration: MintServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        client = PaymentdClient(socketPath: configuration.socketPath, requestTimeout: .seconds(30))
        signals = PaymentSignals()
        let prices = PriceList(client: client, lifetime: .seconds(configuration.pricesRefreshSeconds), logger: logger)
        let submitter = PaymentSubmitter(client: client)
        let waiter = SettlementWaiter(client: client, signals: signals)
        routes = MintServerRoutes(
            checkout: Checkout(configuration: configuration, prices: prices, submitter: submitter, waiter: waiter),
            facilitator: Facilitator(configuration: configuration, prices: prices, submitter: submitter, waiter: waiter),
            client: client, events: PaymentEventStream(client: client, signals: signals), configuration: configuration)
    }

    /// The HTTP application; `onServerRunning` learns the bound port (for `listen = …:0`).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        Application(
            router: routes.router(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.listenHost, port: configuration.listenPort),
                                                    serverName: "mint-server"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Every service of the server, the HTTP application first.
    public func services(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> [any Service] {
        [application(onServerRunning: onServerRunning), PaymentWatchService(client: client, signals: signals, logger: logger)]
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services { [logger, configuration] port in
                logger.notice("mint-server listening", metadata: ["host": "\(configuration.listenHost)", "port": "\(port)",
                                                                "paymentd": "\(configuration.socketPath)"])
            },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await client.close()
    }
}
