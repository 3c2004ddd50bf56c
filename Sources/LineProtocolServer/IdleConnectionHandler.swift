import LineProtocolCodec
import NIOCore

/// Closes a connection that has neither delivered a complete line nor been written to for
/// `timeout`: abandoned clients, half-open sockets and byte-trickling clients do not hold a
/// slot forever. Sits after the line decoder, so a partial line does not count as activity.
///
/// One timer per connection, re-armed lazily: activity only stamps the time.
final class IdleConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = FramedLine
    typealias InboundOut = FramedLine
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let name = "idle-timeout"

    private let timeout: TimeAmount
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        lastActivity = .now()
        arm(context: context, at: lastActivity + timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = .now()
        context.write(data, promise: promise)
    }

    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loop = context.eventLoop.assumeIsolated()
        let channel = context.channel
        timer = loop.scheduleTask(deadline: deadline) { [weak self] in
            guard let self, self.timer != nil else { return }
            let expiry = self.lastActivity + self.timeout
            if expiry <= .now() {
                self.timer = nil
                channel.close(promise: nil)
            } else {
                self.arm(context: context, at: expiry)
            }
        }
    }
}
