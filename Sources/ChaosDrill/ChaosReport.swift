import JSON

/// The outcome of one drill: what was inflicted, how the payments ended, what the audit found.
public struct ChaosReport: Sendable {
    public let options: ChaosOptions
    public let seconds: Double
    public let inflicted: [String]
    public let audit: AuditResult
    /// Where the daemons' logs were kept (`--keep-logs`); empty when they went with the workspace.
    public let daemonLogs: [String]

    public var passed: Bool { audit.passed }

    /// The report for people: one block of lines.
    public var text: String {
        var lines: [String] = []
        lines.append("chaos drill: \(options.payments) payments, seed \(options.seed), \(String(format: "%.0f", seconds)) s")
        lines.append("inflicted: \(inflicted.count) faults")
        for fault in inflicted { lines.append("  - \(fault)") }
        let counts = audit.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("payments: \(counts)")
        lines.append("mints on chain: \(audit.mints); receiver paid: \(audit.paid) (atomic USDC)")
        if audit.lostToRespend > 0 || audit.refunded > 0 {
            lines.append("settlement lost to the payer's re-spend in a reorg (unpaid, never minted): \(audit.lostToRespend); refunded: \(audit.refunded)")
        }
        if audit.passed {
            lines.append("ledger vs chain: OK (each request answered and stored once with its own values, completed, settled by a "
                         + "pair on chain paying only it, each item minted once to its recipient, nothing unpaid minted, balances match)")
        } else {
            lines.append("ledger vs chain: \(audit.violations.count) VIOLATIONS")
            for violation in audit.violations.prefix(50) { lines.append("  ! \(violation)") }
            lines.append(daemonLogs.isEmpty
                ? "logs: removed with the workspace; run again with --keep-logs DIR to keep them"
                : "daemon logs: \(daemonLogs.joined(separator: " "))")
        }
        return lines.joined(separator: "\n")
    }

    /// The same for machines.
    public var json: JSONValue {
        [
            "payments": .int(Int64(options.payments)), "seed": .string(String(options.seed)), "seconds": .double(seconds),
            "inflicted": .array(inflicted.map { .string($0) }),
            "counts": .object(audit.counts.mapValues { .int(Int64($0)) }),
            "mints": .int(Int64(audit.mints)), "paid": .string(audit.paid.description),
            "lost_to_respend": .int(Int64(audit.lostToRespend)), "refunded": .int(Int64(audit.refunded)),
            "passed": .bool(audit.passed), "violations": .array(audit.violations.map { .string($0) }),
        ]
    }
}
