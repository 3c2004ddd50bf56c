import JSON
import NIOCore

/// A request on its way out of a client: the line, and the promise its response fulfils.
struct ClientRequest: Sendable {
    let line: [UInt8]
    let promise: EventLoopPromise<JSONValue>
    let timeout: TimeAmount?
}
