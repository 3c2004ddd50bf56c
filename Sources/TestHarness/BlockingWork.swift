import Foundation

/// The one way the tests run blocking work (a raw socket read, waiting for a tool, restarting
/// PostgreSQL) from async code: on a thread of its own, awaited, so it never occupies one of
/// the few threads of Swift's cooperative pool that the server under test needs.
public enum BlockingWork {
    public static func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Swift.Result { try work() }) }
            thread.stackSize = 1 << 21
            thread.start()
        }
    }
}
