/// The one backoff policy of the engine's loops: after a failed iteration wait 400 ms, doubling
/// with each failure in a row up to 5 s; a successful iteration starts over. Short enough that a
/// passing fault (an RPC hiccup, a database restart) costs little, long enough that a lasting
/// one does not spin.
struct RetryBackoff: Sendable {
    private(set) var failures = 0

    /// Counts a failure; returns how long to wait before the next iteration.
    mutating func failed() -> Duration {
        failures += 1
        return .milliseconds(min(5_000, 200 * (1 << min(failures, 5))))
    }

    mutating func reset() {
        failures = 0
    }
}
