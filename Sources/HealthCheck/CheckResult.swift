/// One judged metric: its name (as in perfdata and `--json`), its verdict, and for a
/// problem the words of the summary line (`oldest sent 7m12s > 5m`).
public struct CheckResult: Sendable, Equatable {
    public var name: String
    public var status: HealthStatus
    public var message: String?

    public init(name: String, status: HealthStatus, message: String? = nil) {
        self.name = name
        self.status = status
        self.message = message
    }
}
