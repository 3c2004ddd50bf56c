import ServiceLifecycle
import Synchronization

/// The `stop` command's way into the daemon's `ServiceGroup`, which exists only after the
/// socket server that receives `stop` was bound. A stop that arrives before the group is
/// attached is remembered and applied when it is.
final class GracefulStopTrigger: Sendable {
    private let state = Mutex<(group: ServiceGroup?, requested: Bool)>((nil, false))

    func attach(_ group: ServiceGroup) {
        let requested = state.withLock { state in
            state.group = group
            return state.requested
        }
        if requested { Task { await group.triggerGracefulShutdown() } }
    }

    func request() {
        let group = state.withLock { state in
            state.requested = true
            return state.group
        }
        if let group { Task { await group.triggerGracefulShutdown() } }
    }
}
