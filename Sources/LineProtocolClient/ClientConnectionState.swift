import Foundation
import NIOCore

/// The client's current connection attempt (or connection) and its request counter.
final class ClientConnectionState: @unchecked Sendable {
    // @unchecked Sendable: `connecting` and `requestCount` are only read or written while
    // holding `lock`; the lock is never held while waiting on anything.
    private let lock = NSLock()
    private var connecting: EventLoopFuture<any Channel>?
    private var requestCount: Int64 = 0

    func nextRequestID() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        requestCount += 1
        return requestCount
    }

    /// The current connection, or a new attempt made by `connect`.
    func current(orConnect connect: () -> EventLoopFuture<any Channel>) -> EventLoopFuture<any Channel> {
        lock.lock()
        defer { lock.unlock() }
        if let connecting { return connecting }
        let attempt = connect()
        connecting = attempt
        return attempt
    }

    /// Drops `attempt` if it is still the current one (it failed or its channel closed).
    func forget(_ attempt: EventLoopFuture<any Channel>) {
        lock.lock()
        if connecting === attempt { connecting = nil }
        lock.unlock()
    }

    func take() -> EventLoopFuture<any Channel>? {
        lock.lock()
        defer { lock.unlock() }
        let current = connecting
        connecting = nil
        return current
    }
}
