import JSON
import NIOCore

/// One place in a connection's response order, filled now or later: the reader appends slots
/// in request order and the writer empties them in the same order, which is how pipelined
/// requests handled concurrently still answer in order.
enum ResponseSlot: Sendable {
    /// Known at once (a refusal or a parse error).
    case ready(ProtocolResponse)
    /// Being computed by the service; `requestsStop` asks the server to stop once written.
    case pending(EventLoopFuture<ProtocolResponse>, id: JSONValue, requestsStop: Bool)
    /// Acknowledge a watch and stream events from then on.
    case watch(id: JSONValue, paymentID: String?)
}

/// Which requests of one connection may run at the same time: neighbouring reads overlap,
/// neighbouring enqueues overlap, and anything else (retry, cancel, settings set, stop) runs
/// alone, so a pipeline behaves as if each request waited for the one before whenever the
/// order could matter (e.g. `cancel` then `status`).
enum SchedulingClass: Equatable {
    case read
    case enqueue
    case exclusive

    init(_ command: ProtocolCommand) {
        switch command {
        case .enqueue: self = .enqueue
        case .stop, .settingsSet, .retry, .cancel: self = .exclusive
        case .status, .stats, .ping, .version, .list, .settingsGet, .watch, .prices: self = .read
        }
    }
}
