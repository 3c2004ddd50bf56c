import LineProtocolCodec

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
        case .stop, .settingsSet, .retry, .retryMint, .cancel, .refund, .pricesSet, .pricesUnset: self = .exclusive
        case .status, .stats, .ping, .version, .list, .settingsGet, .watch, .prices: self = .read
        }
    }
}
