import Logging
import ServiceLifecycle
import Systemd

/// Says the daemon is ready (`READY=1` with the status line, and a log line) from inside the
/// running service group.
///
/// Why it exists: announced before the group ran, a SIGTERM arriving between `READY=1` and the
/// group's installing its signal handlers (systemd stopping a unit the moment it started, a
/// test terminating at once) killed the process by the signal's default action instead of
/// shutting it down gracefully. The group traps its shutdown signals before it starts any
/// service, so a service that announces is announced after the trap.
struct ReadyAnnouncer: Service, CustomStringConvertible {
    let status: @Sendable () async -> String
    let socket: String
    let version: String
    let logger: Logger

    var description: String { "ready announcer" }

    func run() async {
        _ = try? SystemdNotifier.ready(status: await status())
        logger.notice("paymentd ready", metadata: ["socket": "\(socket)", "version": "\(version)"])
        try? await gracefulShutdown()
    }
}
