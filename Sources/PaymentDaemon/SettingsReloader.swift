import Logging
import ServiceLifecycle
import SettlementEngine
import Systemd
import UnixSignals

/// SIGHUP re-reads `system_settings` (after an operator edited the table), telling systemd
/// `RELOADING=1` first and `READY=1` with a fresh status line after, as `Type=notify` units
/// expect. A reload that fails keeps the previous settings.
struct SettingsReloader: Service, CustomStringConvertible {
    let engine: SettlementEngine
    let logger: Logger

    var description: String { "SIGHUP settings reloader" }

    func run() async {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                _ = try? SystemdNotifier.reloading()
                do {
                    try await engine.reloadSettings()
                    logger.notice("settings reloaded")
                } catch {
                    logger.error("settings reload failed; keeping the previous settings", metadata: ["error": "\(error)"])
                }
                _ = try? SystemdNotifier.ready(status: (try? await StatusReporter.line(engine)) ?? "ready")
            }
        }
    }
}
