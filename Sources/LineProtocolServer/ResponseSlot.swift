import JSON
import LineProtocolCodec
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
