import Foundation
import Synchronization

/// When each loop last finished an iteration (an idle one counts). The daemon's watchdog pinger
/// sends `WATCHDOG=1` only while every heartbeat is fresh, so a wedged loop gets the daemon
/// restarted instead of hiding behind a live process.
public final class LoopHeartbeats: Sendable {
    public enum Loop: String, Sendable, CaseIterable {
        case send
        /// The lease keeper (signer lanes and the coordinator's work between instances).
        case lease
        case confirm
        case mint
    }

    private let stamps = Mutex<[Loop: ContinuousClock.Instant]>([:])

    public init() {}

    func beat(_ loop: Loop) {
        let now = ContinuousClock.now
        stamps.withLock { $0[loop] = now }
    }

    /// Loops whose last iteration ended longer than `maximumAge` ago (or never did).
    public func stale(maximumAge: Duration, loops: [Loop] = Loop.allCases) -> [Loop] {
        let now = ContinuousClock.now
        let current = stamps.withLock { $0 }
        return loops.filter { loop in
            guard let stamp = current[loop] else { return true }
            return now - stamp > maximumAge
        }
    }
}
