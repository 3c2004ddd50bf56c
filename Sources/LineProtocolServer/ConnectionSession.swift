import LineProtocolCodec
import Logging
import NIOCore

/// One client connection from accept to close: reads lines, turns each into a response slot
/// (refusals at once, service calls concurrently within `SchedulingClass` rules), and lets a
/// `ResponseWriter` answer them strictly in request order.
///
/// It ends when the client closes or half-closes its side (every request read by then is
/// still answered), when a line is too long (answered with `line_too_long`, then closed), when
/// the idle timeout closes the channel, or when the server drains (input closed for it).
struct ConnectionSession {
    let connection: NIOAsyncChannel<FramedLine, Never>
    let peer: PeerCredentials?
    let environment: SessionEnvironment
    let logger: Logger

    func run() async {
        do {
            try await connection.executeThenClose { inbound in
                await serve(inbound)
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Answers a connection over the limit with one error line and closes it.
    static func refuse(_ connection: NIOAsyncChannel<FramedLine, Never>, error: ProtocolError) async {
        try? await connection.executeThenClose { _ in
            let line = ProtocolResponse.failure(id: .null, error: WireError(error)).line
            try await connection.channel.writeAndFlush(connection.channel.allocator.buffer(bytes: line)).get()
        }
    }

    private func serve(_ inbound: NIOAsyncChannelInboundStream<FramedLine>) async {
        let (slots, slotSink) = AsyncStream.makeStream(of: ResponseSlot.self)
        let window = PipelineWindow(size: environment.maximumPipelinedRequests)
        let writer = ResponseWriter(channel: connection.channel, environment: environment, window: window, logger: logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writer.run(slots) }
            await read(inbound, window: window, slots: slotSink, group: &group)
            slotSink.finish()
        }
    }

    private func read(_ inbound: NIOAsyncChannelInboundStream<FramedLine>, window: PipelineWindow,
                      slots: AsyncStream<ResponseSlot>.Continuation, group: inout TaskGroup<Void>) async {
        var running: [EventLoopFuture<ProtocolResponse>] = []
        var runningClass: SchedulingClass?
        var watching = false
        // One iterator for the whole connection: the inbound stream allows only one.
        var lines = inbound.makeAsyncIterator()
        do {
            while let framed = try await lines.next() {
                guard case .line(let bytes) = framed else {
                    logger.notice("request line too long; closing the connection", metadata: peerMetadata)
                    await window.acquire()
                    slots.yield(.ready(.failure(id: .null, error: WireError(.lineTooLong(limit: environment.maximumLineBytes)))))
                    return
                }
                let request: ProtocolRequest
                do throws(RejectedRequest) {
                    guard let parsed = try ProtocolRequest.parse(line: bytes) else { continue }
                    request = parsed
                } catch {
                    await window.acquire()
                    slots.yield(.ready(.failure(id: error.id, error: WireError(error.error))))
                    continue
                }
                if let refusal = refusal(of: request.command) {
                    await window.acquire()
                    slots.yield(.ready(.failure(id: request.id, error: WireError(refusal))))
                    continue
                }
                if case .watch(let paymentID) = request.command {
                    await window.acquire()
                    if environment.registry.isDraining {
                        slots.yield(.ready(.failure(id: request.id, error: WireError(ProtocolError.shuttingDown))))
                        continue
                    }
                    slots.yield(.watch(id: request.id, paymentID: paymentID))
                    watching = true
                    break
                }
                let schedulingClass = SchedulingClass(request.command)
                if schedulingClass == .exclusive || schedulingClass != runningClass {
                    for future in running { _ = try? await future.get() }
                    running.removeAll()
                    runningClass = schedulingClass
                }
                await window.acquire()
                // Checked after waiting for the requests before it: once draining began, no
                // state change starts, even one that was already read.
                if request.command.changesState, environment.registry.isDraining {
                    slots.yield(.ready(.failure(id: request.id, error: WireError(ProtocolError.shuttingDown))))
                    continue
                }
                let promise = connection.channel.eventLoop.makePromise(of: ProtocolResponse.self)
                let dispatcher = environment.dispatcher
                let audit = request.command.requiresAdmin
                    ? peerMetadata.merging(AuditLine.arguments(of: request.command)) { $1 }.merging(["command": "\(request.command.displayName)"]) { $1 }
                    : nil
                let logger = self.logger
                group.addTask {
                    let response = await dispatcher.respond(to: request)
                    if var audit {
                        audit["outcome"] = "\(AuditLine.outcome(of: response))"
                        logger.notice("admin command", metadata: audit)
                    }
                    promise.succeed(response)
                }
                running.append(promise.futureResult)
                // Anything older than the window has been written, hence finished.
                if running.count > environment.maximumPipelinedRequests { running.removeFirst() }
                slots.yield(.pending(promise.futureResult, id: request.id, requestsStop: request.command == .stop))
            }
            if watching {
                // A watcher is quiet by design: no idle timeout. Its further input is read and
                // ignored, so the end of input (the client leaving) is still seen.
                _ = try? await connection.channel.pipeline.removeHandler(name: IdleConnectionHandler.name).get()
                while try await lines.next() != nil {}
            }
        } catch {
            logger.debug("connection read failed", metadata: ["error": "\(error)"])
        }
        if watching { connection.channel.close(promise: nil) }
    }

    /// Why a well-formed request is not run, if it is not: admin commands need an admin peer.
    /// (Draining is checked later, just before a request would start.)
    private func refusal(of command: ProtocolCommand) -> ProtocolError? {
        if command.requiresAdmin, !environment.adminPolicy.permits(uid: peer?.uid) {
            logger.notice("admin command refused", metadata: peerMetadata.merging(AuditLine.arguments(of: command)) { $1 }
                .merging(["command": "\(command.displayName)", "outcome": "permission_denied"]) { $1 })
            return .permissionDenied(command: command.displayName, uid: peer?.uid)
        }
        return nil
    }

    private var peerMetadata: Logger.Metadata {
        guard let peer else { return ["peer_uid": "unknown"] }
        return ["peer_uid": "\(peer.uid)", "peer_pid": "\(peer.pid)"]
    }
}
