import Foundation
import LineProtocolClient

/// The closing report of an enqueue run: how many payments are new, how many were already
/// queued (same idempotency key), how many were refused and why (by line), how long it took.
public struct EnqueueSummary: Sendable, Equatable {
    public var total: Int
    public var accepted: Int
    public var duplicates: Int
    /// Refused or failed lines: (line number, error code, message).
    public var failures: [(line: Int, code: String, message: String)]
    public var seconds: Double

    public init(items: [EnqueueInput.Item], outcomes: [EnqueueOutcome], seconds: Double) {
        total = items.count
        accepted = 0
        duplicates = 0
        failures = []
        self.seconds = seconds
        for (item, outcome) in zip(items, outcomes) {
            switch outcome {
            case .accepted(_, let duplicate):
                if duplicate { duplicates += 1 } else { accepted += 1 }
            case .failed(let error):
                failures.append((item.line, error.code, error.description))
            }
        }
    }

    /// The worst failure's exit status, success when nothing failed.
    public var exitStatus: PayctlExitStatus {
        guard !failures.isEmpty else { return .success }
        let unreachable = ["daemon_unreachable", "connection_closed", "request_timed_out"]
        return failures.allSatisfy { unreachable.contains($0.code) } ? .unreachable : .refused
    }

    /// `enqueued 1000 payments in 3.2s (312/s): 998 new, 2 already queued, 0 refused`, then one
    /// line per refused line (at most `listed`, then how many more).
    public func render(listed: Int = 20) -> String {
        let rate = seconds > 0 ? " (\(Int((Double(total) / seconds).rounded()))/s)" : ""
        var output = "enqueued \(total) payment\(total == 1 ? "" : "s") in \(DurationText.format(seconds))\(rate): "
            + "\(accepted) new, \(duplicates) already queued, \(failures.count) refused\n"
        for failure in failures.prefix(listed) {
            output += "  line \(failure.line): \(failure.code): \(failure.message)\n"
        }
        if failures.count > listed { output += "  … and \(failures.count - listed) more\n" }
        return output
    }

    public static func == (lhs: EnqueueSummary, rhs: EnqueueSummary) -> Bool {
        lhs.total == rhs.total && lhs.accepted == rhs.accepted && lhs.duplicates == rhs.duplicates && lhs.seconds == rhs.seconds
            && lhs.failures.map { "\($0.line) \($0.code) \($0.message)" } == rhs.failures.map { "\($0.line) \($0.code) \($0.message)" }
    }
}
