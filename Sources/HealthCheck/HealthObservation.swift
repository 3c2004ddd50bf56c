import JSON
import PaymentModel

/// What the probe found, the input of the judgement: the daemon's `stats` (typed, and as it
/// sent them for `--json`), or why there are none — the daemon is down or failing (critical),
/// or the check could not tell (unknown: a path that is not paymentd's socket, no permission,
/// a reply that is not the protocol).
public enum HealthObservation: Sendable, Equatable {
    case stats(PaymentStats, raw: JSONValue)
    case daemonDown(String)
    case undetermined(String)
}
