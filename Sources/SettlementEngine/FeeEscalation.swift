import Ethereum
import Synchronization

/// Raises the tip when nodes refuse our transactions as underpriced, and lets it fall back
/// once they are accepted again: "underpriced → bump" without re-signing the same price in a
/// loop. The factor is a percentage of the configured minimum tip, from 100 % to 1,000 %.
final class FeeEscalation: Sendable {
    private let percent = Mutex<UInt64>(100)

    var current: UInt64 { percent.withLock { $0 } }

    /// The configured minimum tip scaled by the current factor.
    func minimumTip(_ configured: UInt256) -> UInt256 {
        let factor = current
        let (scaled, overflow) = configured.multipliedReportingOverflow(by: UInt256(factor))
        return overflow ? .max : scaled.quotientAndRemainder(dividingBy: 100).quotient
    }

    /// A broadcast was refused for its price: +25 %.
    func escalate() {
        percent.withLock { $0 = min(1_000, $0 * 125 / 100) }
    }

    /// A batch went through unrefused: −10 %, down to the configured tip.
    func relax() {
        percent.withLock { $0 = max(100, $0 * 90 / 100) }
    }
}
