/// The monitoring-plugin verdict (Nagios, Icinga, Sensu and systemd units read the exit
/// status): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Ordered by how bad it is, except that
/// UNKNOWN — the check itself could not tell — never hides a CRITICAL found alongside it.
public enum HealthStatus: Int32, Sendable, CaseIterable, Comparable {
    case ok = 0
    case warning = 1
    case critical = 2
    case unknown = 3

    /// The word of the summary line: `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`.
    public var word: String {
        switch self {
        case .ok: "OK"
        case .warning: "WARNING"
        case .critical: "CRITICAL"
        case .unknown: "UNKNOWN"
        }
    }

    public var exitCode: Int32 { rawValue }

    /// Severity for combining checks: critical > unknown > warning > ok.
    var severity: Int {
        switch self {
        case .ok: 0
        case .warning: 1
        case .unknown: 2
        case .critical: 3
        }
    }

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool {
        lhs.severity < rhs.severity
    }
}
