import JSON
import PaymentModel

/// The judgement of one check run: the overall status, every check's verdict, the facts of
/// the summary line and the perfdata. `summaryLine` is what Nagios shows and the exit status
/// is `status.exitCode`.
public struct HealthReport: Sendable, Equatable {
    public var status: HealthStatus
    public var checks: [CheckResult]
    /// Short facts shown after the problems (`0 sent > 60s`, `confirm 99.8%`, `queue 3`).
    public var facts: [String]
    public var perfdata: [PerfDatum]
    /// Why there are no stats (daemon down or undetermined), else nil.
    public var failure: String?
    /// The stats judged, when there were any.
    public var stats: PaymentStats?

    /// `PAYMENTD OK - 0 sent > 60s, confirm 99.8%, queue 3 | queue_depth=3;1000;5000;0 …`: the
    /// problems (worst first), then the facts, then the perfdata after a pipe.
    public var summaryLine: String {
        var parts: [String] = []
        if let failure { parts.append(failure) }
        let problems = checks.filter { $0.status != .ok }.sorted { $0.status > $1.status }.compactMap(\.message)
        var text = problems.joined(separator: ", ")
        if !facts.isEmpty { text += (text.isEmpty ? "" : "; ") + facts.joined(separator: ", ") }
        if !text.isEmpty { parts.append(text) }
        let perf = perfdata.map(\.text).joined(separator: " ")
        return "PAYMENTD \(status.word) - " + parts.joined(separator: "; ") + (perf.isEmpty ? "" : " | " + perf)
    }

    /// The report for `--json`: status, exit code, summary, every check, and the daemon's stats
    /// as it sent them (`null` when there were none).
    public func jsonValue(rawStats: JSONValue?, socketPath: String) -> JSONValue {
        [
            "status": .string(status.word.lowercased()),
            "exit_code": .int(Int64(status.exitCode)),
            "summary": .string(summaryLine),
            "socket": .string(socketPath),
            "failure": failure.map(JSONValue.string) ?? .null,
            "checks": .array(checks.map { check in
                ["name": .string(check.name), "status": .string(check.status.word.lowercased()), "message": check.message.map(JSONValue.string) ?? .null]
            }),
            "perfdata": .object(Dictionary(uniqueKeysWithValues: perfdata.map { ($0.label, $0.value.map(JSONValue.double) ?? .null) })),
            "stats": rawStats ?? .null,
        ]
    }
}
