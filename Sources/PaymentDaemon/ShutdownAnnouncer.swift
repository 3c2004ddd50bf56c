import Logging
import ServiceLifecycle
import Systemd

/// Says that shutdown began, the moment it does: `STOPPING=1` to systemd and a log line. It is
/// the group's last service, so the first one graceful shutdown reaches (services stop in
/// reverse order), before the socket drains and the loops finish their iterations.
struct ShutdownAnnouncer: Service, CustomStringConvertible {
    let logger: Logger

    var description: String { "shutdown announcer" }

    func run() async {
        try? await gracefulShutdown()
        _ = try? SystemdNotifier.stopping()
        logger.notice("paymentd stopping: draining connections and finishing in-flight work")
    }
}
