import JSON
import LineProtocolCodec
import NIOCore

/// The client side of pipelining: remembers the promise of every request written, in order,
/// and fulfils them with response lines in the same order (the daemon answers in request
/// order). Event lines (from a watch) are not responses and are skipped. Every promise is
/// completed exactly once: by its response, its timeout, or the connection's end.
final class ResponseMatchingHandler: ChannelDuplexHandler {
    typealias InboundIn = FramedLine
    typealias OutboundIn = ClientRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let sequence: UInt64
        let promise: EventLoopPromise<JSONValue>
        var timer: Scheduled<Void>?
        var abandoned = false
    }

    private let maximumLineBytes: Int
    private var pending = CircularBuffer<Pending>()
    private var nextSequence: UInt64 = 0

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        let sequence = nextSequence
        nextSequence += 1
        var entry = Pending(sequence: sequence, promise: request.promise)
        if let timeout = request.timeout {
            entry.timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
                self?.abandon(sequence: sequence, with: .timedOut)
            }
        }
        pending.append(entry)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenFailure { [weak self] _ in
            self?.abandon(sequence: sequence, with: .connectionClosed)
        }
        promise.map { written.futureResult.cascade(to: $0) }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: request.line)), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .line(let bytes) = unwrapInboundIn(data) else {
            failAll(with: .responseTooLong(limit: maximumLineBytes))
            context.close(promise: nil)
            return
        }
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try StrictJSONParser.parse(bytes, maximumDepth: 128)
        } catch {
            failAll(with: .malformedResponse("a response line is not JSON: \(error)"))
            context.close(promise: nil)
            return
        }
        if value["ok"] == nil, value["event"] != nil { return }
        guard let entry = pending.popFirst() else { return }
        entry.timer?.cancel()
        if !entry.abandoned { entry.promise.succeed(value) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(with: .connectionClosed)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(with: .connectionClosed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(with: .connectionClosed)
        context.close(promise: nil)
    }

    /// Fails one request early but keeps its place, so the response that may still come is
    /// matched to it (and dropped) rather than to the next request.
    private func abandon(sequence: UInt64, with error: PaymentdClientError) {
        guard let index = pending.firstIndex(where: { $0.sequence == sequence }), !pending[index].abandoned else { return }
        pending[index].abandoned = true
        pending[index].timer?.cancel()
        pending[index].promise.fail(error)
    }

    private func failAll(with error: PaymentdClientError) {
        while let entry = pending.popFirst() {
            entry.timer?.cancel()
            if !entry.abandoned { entry.promise.fail(error) }
        }
    }
}
