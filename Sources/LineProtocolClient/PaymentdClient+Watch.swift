import LineProtocolCodec
import NIOCore
import PaymentModel

extension PaymentdClient {
    /// Opens a connection of its own, sends `watch`, and once the daemon acknowledged returns
    /// its events (of every payment, or of `paymentID` only) as they happen. The stream ends by
    /// throwing `connection_closed` when the daemon closes it (e.g. it is stopping); ending the
    /// iteration (or cancelling its task) closes the connection.
    public func watch(paymentID: String? = nil) async throws(PaymentdClientError) -> AsyncThrowingStream<PaymentEvent, any Error> {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: PaymentEvent.self)
        let acknowledged = eventLoopGroup.next().makePromise(of: Void.self)
        let connecting = Self.connect(socketPath: socketPath, group: eventLoopGroup,
                                      maximumResponseBytes: LineBoundary.maximumResponseLineBytes) { channel in
            try channel.pipeline.syncOperations.addHandler(EventStreamHandler(acknowledged: acknowledged, events: continuation))
        }
        let channel: any Channel
        do {
            channel = try await connecting.get()
        } catch {
            acknowledged.fail(PaymentdClientError.connectionClosed)
            continuation.finish()
            throw .connectionFailed(path: socketPath, reason: "\(error)")
        }
        continuation.onTermination = { _ in channel.close(promise: nil) }
        let request = ProtocolRequest(id: .int(nextRequestID()), command: .watch(paymentID: paymentID))
        channel.writeAndFlush(channel.allocator.buffer(bytes: request.line), promise: nil)
        do {
            try await acknowledged.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error as? PaymentdClientError ?? .connectionClosed
        }
        return events
    }
}
