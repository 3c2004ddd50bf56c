import Logging
import ServiceLifecycle
import SettlementEngine
import Systemd

/// Sends `WATCHDOG=1` only while every engine loop is making progress: each loop stamps a
/// heartbeat when an iteration ends (an idle one counts), and a ping goes out only while every
/// heartbeat is younger than half the watchdog interval plus the time that loop may sleep
/// between iterations (its live setting). A wedged loop therefore stops the pings and systemd
/// restarts the daemon, instead of a live process hiding a dead loop; a loop that merely sleeps
/// longer than half of `WatchdogSec` (a legal setting) does not.
///
/// The pinger's start counts as every loop's first heartbeat, so a daemon that just started is
/// not reported as stuck before its loops had the time any iteration gets.
struct WatchdogPinger: Service, CustomStringConvertible {
    let interval: Duration
    let heartbeats: LoopHeartbeats
    /// The live settings, read at every check (intervals can change while the daemon runs).
    let settings: @Sendable () -> EngineSettings
    let logger: Logger

    var description: String { "watchdog pinger" }

    /// Pings until the group's shutdown reaches it: it is the group's first service, so the
    /// last one stopped, and it keeps systemd informed while the socket drains and the loops
    /// finish their last iterations.
    func run() async {
        await cancelWhenGracefulShutdown { await self.ping() }
    }

    private func ping() async {
        let allowance = interval / 2
        let started = ContinuousClock.now
        var silent = false
        while !Task.isCancelled {
            let sleeps = Self.idleSleeps(settings())
            let sinceStart = ContinuousClock.now - started
            let stale = LoopHeartbeats.Loop.allCases.filter { loop in
                let limit = allowance + (sleeps[loop] ?? .zero)
                return sinceStart > limit && !heartbeats.stale(maximumAge: limit, loops: [loop]).isEmpty
            }
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

    /// How long each loop waits between iterations when it has nothing to do.
    static func idleSleeps(_ settings: EngineSettings) -> [LoopHeartbeats.Loop: Duration] {
        [
            .send: .milliseconds(settings.paymentBatchIntervalMilliseconds),
            .lease: LeaseKeeper.interval,
            .confirm: .milliseconds(settings.confirmIntervalMilliseconds),
            .mint: .seconds(settings.mintBatchIntervalSeconds),
        ]
    }
}
