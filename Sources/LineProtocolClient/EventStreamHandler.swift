import JSON
import LineProtocolCodec
import NIOCore
import PaymentModel

/// The client side of a watch connection: the first line is the acknowledgement (or an error
/// response), every later line an event. Completes the acknowledgement promise exactly once
/// and finishes the event stream when the connection ends.
final class EventStreamHandler: ChannelInboundHandler {
    typealias InboundIn = FramedLine

    private var acknowledged: EventLoopPromise<Void>?
    private let events: AsyncThrowingStream<PaymentEvent, any Error>.Continuation

    init(acknowledged: EventLoopPromise<Void>, events: AsyncThrowingStream<PaymentEvent, any Error>.Continuation) {
        self.acknowledged = acknowledged
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do throws(PaymentdClientError) {
            let value = try parse(unwrapInboundIn(data))
            if let acknowledged {
                self.acknowledged = nil
                let response: ProtocolResponse
                do throws(JSONShapeError) {
                    response = try ProtocolResponse(wire: value)
                } catch {
                    throw .malformedResponse(error.description)
                }
                switch response.outcome {
                case .success: acknowledged.succeed()
                case .failure(let error): acknowledged.fail(PaymentdClientError.remote(error))
                }
                return
            }
            do throws(JSONShapeError) {
                events.yield(try EventLine(wire: value).event)
            } catch {
                throw .malformedResponse(error.description)
            }
        } catch {
            end(with: error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(with: .connectionClosed)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end(with: .connectionClosed)
    }

    private func parse(_ framed: FramedLine) throws(PaymentdClientError) -> JSONValue {
        guard case .line(let bytes) = framed else { throw .responseTooLong(limit: LineBoundary.maximumResponseLineBytes) }
        do throws(JSONSyntaxError) {
            return try StrictJSONParser.parse(bytes, maximumDepth: 128)
        } catch {
            throw .malformedResponse("a line is not JSON: \(error)")
        }
    }

    private func end(with error: PaymentdClientError) {
        acknowledged?.fail(error)
        acknowledged = nil
        events.finish(throwing: error)
    }
}
