import Logging
import SettlementEngine
import Systemd

/// Sends `WATCHDOG=1` only while every engine loop is making progress: each loop stamps a
/// heartbeat when an iteration ends (an idle one counts), and a ping goes out only while every
/// heartbeat is younger than half the watchdog interval. A wedged loop therefore stops the
/// pings and systemd restarts the daemon, instead of a live process hiding a dead loop.
struct WatchdogPinger: Sendable {
    let interval: Duration
    let heartbeats: LoopHeartbeats
    let logger: Logger

    func run() async {
        let maximumAge = interval / 2
        var silent = false
        while !Task.isCancelled {
            let stale = heartbeats.stale(maximumAge: maximumAge)
            if stale.isEmpty {
                _ = try? SystemdNotifier.watchdog()
                if silent { logger.notice("all loops progressing again; watchdog pings resumed") }
                silent = false
            } else if !silent {
                silent = true
                logger.critical("loops not progressing; withholding watchdog pings",
                                metadata: ["loops": "\(stale.map(\.rawValue).joined(separator: ","))"])
            }
            try? await Task.sleep(for: interval / 4)
        }
    }
}
