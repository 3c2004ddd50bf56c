import Foundation
import JournalLog
import LineProtocolServer
import Logging
import ServiceLifecycle
import PaymentModel
import SettlementEngine
import Systemd

/// The `paymentd` process: the engine behind the line-protocol socket, under systemd's
/// readiness, status and watchdog protocol.
///
/// Start-up order is the promise behind `READY=1`: the database answers and has the schema, the
/// RPC endpoint serves the configured chain, nonce state is rebuilt and stored transactions are
/// rebroadcast, and the socket is listening. Shutdown (`stop`, SIGTERM) is the reverse: stop
/// accepting, answer what was read, let each loop finish its iteration (broadcasts and their
/// database writes), then exit 0.
public final class PaymentDaemon: Sendable {
    let configuration: DaemonConfiguration
    let engine: SettlementEngine
    let logger: Logger

    /// `logLevel`: the level the process's log handlers read; the `log_level` setting moves it
    /// while the daemon runs (back to the configuration's when set to `default`).
    public init(configuration: DaemonConfiguration, engineConfiguration: EngineConfiguration, version: String, logger: Logger,
                logLevel: LiveLogLevel? = nil) {
        self.configuration = configuration
        self.logger = logger
        let configured = configuration.logLevel
        var settingsApplied: (@Sendable (EngineSettings) -> Void)?
        if let logLevel {
            settingsApplied = { settings in logLevel.set(settings.logLevel ?? configured) }
        }
        engine = SettlementEngine(configuration: engineConfiguration, conninfo: configuration.databaseURL,
                                  rpcURLs: configuration.rpcURLs, version: version, logger: logger,
                                  settingsApplied: settingsApplied)
    }

    /// Most time a graceful shutdown may take (drain the socket, finish the loops' iterations)
    /// before what is left is cancelled; the unit's `TimeoutStopSec` must be longer.
    public static let maximumShutdownDuration = Duration.seconds(90)

    /// Runs until stopped; returns the exit status.
    ///
    /// The running daemon is one `ServiceGroup`, in this order (graceful shutdown — SIGTERM,
    /// SIGINT or the `stop` command — reaches them in reverse): the watchdog pinger and the status
    /// reporter, the engine's event streams and its three loops, the socket server, the SIGHUP
    /// reloader and the settings poller, and the shutdown announcer. So shutdown says STOPPING=1 first, then stops
    /// accepting and answers what was read, then lets each loop finish its iteration, then ends
    /// the watch streams, while the watchdog keeps pinging to the end.
    public func run() async throws(DaemonError) -> Int32 {
        _ = try? SystemdNotifier.status("starting: database, migrations, chain, nonce state")
        do {
            try await engine.prepare(migrationsDirectory: configuration.migrationsDirectory)
        } catch {
            throw .startup("\(error)")
        }
        let listener: ProtocolServerConfiguration.Listener
        do {
            if let fd = try SystemdNotifier.listenFileDescriptors().first {
                listener = .inheritedDescriptor(fd)
            } else {
                listener = .path(configuration.socketPath, groupID: try configuration.socketGroupID())
            }
        } catch let error as DaemonError {
            throw error
        } catch {
            throw .startup("\(error)")
        }
        let stop = GracefulStopTrigger()
        let server: ProtocolServer
        do {
            server = try await ProtocolServer.bind(
                configuration: ProtocolServerConfiguration(listener: listener, adminPolicy: .rootAndDaemonUser(adding: Set(configuration.adminUIDs))),
                service: engine, logger: logger, onStop: { stop.request() })
        } catch {
            throw .startup(error.description)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let watchdog = (try? SystemdNotifier.watchdogInterval()) ?? nil {
            let engine = self.engine
            services.append(.init(service: WatchdogPinger(interval: watchdog, heartbeats: engine.heartbeats,
                                                          settings: { engine.currentSettings }, logger: logger)))
        }
        services.append(.init(service: StatusReporter(engine: engine, period: .seconds(5))))
        services += engine.services.map { .init(service: $0) }
        services.append(.init(service: ProtocolServerService(server: server), failureTerminationBehavior: .gracefullyShutdownGroup))
        services.append(.init(service: SettingsReloader(engine: engine, logger: logger)))
        services.append(.init(service: SettingsPoller(engine: engine, logger: logger)))
        let statusEngine = engine
        services.append(.init(service: ReadyAnnouncer(status: { (try? await StatusReporter.line(statusEngine)) ?? "ready" },
                                                      socket: "\(server.address)", version: engine.version, logger: logger)))
        services.append(.init(service: ShutdownAnnouncer(logger: logger)))
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.gracefulShutdownSignals = [.sigterm, .sigint]
        groupConfiguration.maximumGracefulShutdownDuration = Self.maximumShutdownDuration
        let group = ServiceGroup(configuration: groupConfiguration)
        stop.attach(group)

        do {
            try await group.run()
        } catch {
            logger.critical("paymentd stopped after a failure", metadata: ["error": "\(error)"])
            return 1
        }
        logger.notice("paymentd stopped")
        return 0
    }
}
