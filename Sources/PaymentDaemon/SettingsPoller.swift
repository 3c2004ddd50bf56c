import Logging
import ServiceLifecycle
import SettlementEngine

/// Several instances share one database, and `settings set` reaches only the instance that
/// answered it: every instance reads the settings and price overrides again every few seconds
/// and applies what changed, so a live setting is live everywhere within `interval` (SIGHUP
/// stays the way to apply an edit at once).
struct SettingsPoller: Service, CustomStringConvertible {
    let engine: SettlementEngine
    let logger: Logger
    static let interval = Duration.seconds(5)

    var description: String { "settings poller" }

    func run() async {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                if Task.isCancelled { return }
                do {
                    if try await engine.refreshSettings() { logger.notice("settings changed in the database; applied") }
                    failing = false
                } catch {
                    // The loops report a database that is away; say it here once, not every tick.
                    if !failing { logger.warning("settings could not be read again; keeping those in use", metadata: ["error": "\(error)"]) }
                    failing = true
                }
            }
        }
    }
}
