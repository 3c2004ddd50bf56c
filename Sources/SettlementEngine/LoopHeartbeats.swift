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
    private let counts = Mutex<[Loop: Int]>([:])

    public init() {}

    func beat(_ loop: Loop) {
        let now = ContinuousClock.now
        stamps.withLock { $0[loop] = now }
        counts.withLock { $0[loop, default: 0] += 1 }
    }

    /// How many iterations `loop` has finished so far (an idle one counts). A test waits for it
    /// to advance by two to know the loop ran a whole iteration after some moment, instead of
    /// sleeping and hoping it did.
    func beats(_ loop: Loop) -> Int {
        counts.withLock { $0[loop] ?? 0 }
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
