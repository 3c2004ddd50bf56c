import JSON
import LineProtocolClient

/// What became of one line of an enqueue run: the daemon's result object exactly as it sent
/// it (a new payment or a duplicate of an earlier one), or why the call failed.
public enum EnqueueOutcome: Sendable, Equatable {
    case accepted(result: JSONValue, duplicate: Bool)
    case failed(PaymentdClientError)
}
