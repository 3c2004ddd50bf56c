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

    private struct Beats {
        var stamps: [Loop: ContinuousClock.Instant] = [:]
        var counts: [Loop: Int] = [:]
    }

    private let beats = Mutex(Beats())

    public init() {}

    func beat(_ loop: Loop) {
        let now = ContinuousClock.now
        beats.withLock {
            $0.stamps[loop] = now
            $0.counts[loop, default: 0] += 1
        }
    }

    /// How many iterations `loop` has finished so far (an idle one counts). A test waits for it
    /// to advance by two to know the loop ran a whole iteration after some moment, instead of
    /// sleeping and hoping it did.
    func beats(_ loop: Loop) -> Int {
        beats.withLock { $0.counts[loop] ?? 0 }
    }

    /// Loops whose last iteration ended longer than `maximumAge` ago (or never did).
    public func stale(maximumAge: Duration, loops: [Loop] = Loop.allCases) -> [Loop] {
        let now = ContinuousClock.now
        let current = beats.withLock { $0.stamps }
        return loops.filter { loop in
            guard let stamp = current[loop] else { return true }
            return now - stamp > maximumAge
        }
    }
}
