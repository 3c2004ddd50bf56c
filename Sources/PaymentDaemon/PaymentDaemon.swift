import Foundation
import LineProtocolServer
import Logging
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

    public init(configuration: DaemonConfiguration, engineConfiguration: EngineConfiguration, version: String, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        engine = SettlementEngine(configuration: engineConfiguration, conninfo: configuration.databaseURL,
                                  rpcURLs: configuration.rpcURLs, version: version, logger: logger)
    }

    /// Runs until stopped; returns the exit status.
    public func run() async throws(DaemonError) -> Int32 {
        let signals = SignalEvents()
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
        let server: ProtocolServer
        do {
            server = try await ProtocolServer.bind(
                configuration: ProtocolServerConfiguration(listener: listener, adminPolicy: .rootAndDaemonUser(adding: Set(configuration.adminUIDs))),
                service: engine, logger: logger, onStop: { signals.requestStop() })
        } catch {
            throw .startup(error.description)
        }
        let watchdog = (try? SystemdNotifier.watchdogInterval()) ?? nil
        let engine = self.engine
        let logger = self.logger
        let loops = Task { await engine.run() }
        let serving = Task { () -> String? in
            do throws(ProtocolServerError) {
                try await server.run()
                return nil
            } catch {
                return error.description
            }
        }
        // A listener that dies by itself must not leave a deaf daemon running: stop, exit 1.
        let listenerWatch = Task {
            if await serving.value != nil { signals.requestStop() }
        }
        let helpers = Task {
            await withTaskGroup(of: Void.self) { group in
                if let watchdog {
                    let pinger = WatchdogPinger(interval: watchdog, heartbeats: engine.heartbeats, settings: { engine.currentSettings }, logger: logger)
                    group.addTask { await pinger.run() }
                }
                group.addTask { await StatusReporter(engine: engine, period: .seconds(5)).run() }
            }
        }
        let readyStatus = (try? await StatusReporter.line(engine)) ?? "ready"
        _ = try? SystemdNotifier.ready(status: readyStatus)
        logger.notice("paymentd ready", metadata: ["socket": "\(server.address)", "version": "\(engine.version)"])

        for await event in signals.events {
            if case .reload = event {
                _ = try? SystemdNotifier.reloading()
                do {
                    try await engine.reloadSettings()
                    logger.notice("settings reloaded")
                } catch {
                    logger.error("settings reload failed; keeping the previous settings", metadata: ["error": "\(error)"])
                }
                _ = try? SystemdNotifier.ready(status: (try? await StatusReporter.line(engine)) ?? "ready")
                continue
            }
            break
        }
        _ = try? SystemdNotifier.stopping()
        logger.notice("paymentd stopping: draining connections and finishing in-flight work")
        server.shutdown()
        let serverFailure = await serving.value
        loops.cancel()
        await loops.value
        helpers.cancel()
        await helpers.value
        await listenerWatch.value
        signals.finish()
        logger.notice("paymentd stopped")
        if let serverFailure {
            logger.critical("socket listener failed", metadata: ["error": "\(serverFailure)"])
            return 1
        }
        return 0
    }
}
