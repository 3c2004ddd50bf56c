import LineProtocolCodec
import LineProtocolNIO
import Logging
import NIOCore
import NIOPosix
import PaymentModel

/// The daemon's socket server: the line protocol on a Unix domain socket, in front of a
/// `PaymentService`.
///
/// Lifecycle: `bind` (listening when it returns, so the daemon can report READY=1), then
/// `run()` serves until `shutdown()` is called or the task running it is cancelled, and
/// returns once every connection has been answered and closed. Guarantees: any input gets an
/// error line or a clean close and never affects other connections; responses of one
/// connection come in request order; admin commands run only for admin peer uids;
/// `shutdown()` stops accepting and reading, lets requests already read finish and be
/// answered, then closes (connections still open after `drainTimeout` are closed anyway).
public final class ProtocolServer: Sendable {
    /// An accepted connection ready to serve, or one whose set-up failed (already closed). The
    /// initializer must never fail: NIO neither closes nor reports a child channel whose async
    /// initializer failed.
    private enum AcceptedConnection: Sendable {
        case ready(NIOAsyncChannel<FramedLine, Never>, peer: PeerCredentials?)
        case unusable(any Channel, reason: String)
    }

    private let serverChannel: NIOAsyncChannel<AcceptedConnection, Never>
    private let environment: SessionEnvironment
    private let registry: ConnectionRegistry
    private let stopRequests: AsyncStream<Void>
    private let stopRequestSink: AsyncStream<Void>.Continuation
    private let onStop: @Sendable () async -> Void
    private let socketFile: (path: String, identity: UnixSocketFile.Identity)?
    private let drainTimeout: TimeAmount
    private let logger: Logger
    /// Where the server listens, for logs: the socket path or `fd:N`.
    public let address: String

    /// Starts listening. With `.path`, a stale socket file is replaced but a live one (another
    /// daemon answers on it) is refused with `socket_in_use`; the new file gets mode 0660.
    ///
    /// - Parameter onStop: called once, after the `stop` command's response was written. It
    ///   should start the daemon's shutdown (which calls `shutdown()`) and return; `run()`
    ///   returns only after it returned, so it must not wait for `run()`.
    public static func bind(configuration: ProtocolServerConfiguration, service: any PaymentService,
                            logger: Logger = Logger(label: "paymentd.protocol"),
                            onStop: @escaping @Sendable () async -> Void) async throws(ProtocolServerError) -> ProtocolServer {
        let maximumLineBytes = configuration.maximumLineBytes
        let idleTimeout = TimeAmount(configuration.idleTimeout)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<AcceptedConnection> = { channel in
            PeerCredentials.read(from: channel).map { peer in
                do {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLineBytes)))
                    try pipeline.addHandler(IdleConnectionHandler(timeout: idleTimeout), name: IdleConnectionHandler.name)
                    let wrapped = try NIOAsyncChannel<FramedLine, Never>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8)))
                    return .ready(wrapped, peer: peer)
                } catch {
                    channel.close(promise: nil)
                    return .unusable(channel, reason: "\(error)")
                }
            }
        }
        let bootstrap = ServerBootstrap(group: configuration.eventLoopGroup)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .childChannelOption(.allowRemoteHalfClosure, value: true)

        let serverChannel: NIOAsyncChannel<AcceptedConnection, Never>
        var socketFile: (path: String, identity: UnixSocketFile.Identity)?
        let address: String
        switch configuration.listener {
        case .path(let path, let groupID):
            address = path
            try UnixSocketFile.removeIfStale(path: path)
            do {
                serverChannel = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
            } catch {
                throw .bindFailed(address: path, reason: "\(error)")
            }
            do throws(ProtocolServerError) {
                try UnixSocketFile.restrict(path: path, groupID: groupID)
            } catch {
                try? await serverChannel.channel.close()
                unlink(path)
                throw error
            }
            socketFile = UnixSocketFile.identity(path: path).map { (path, $0) }
        case .inheritedDescriptor(let descriptor):
            address = "fd:\(descriptor)"
            try InheritedSocket.validate(descriptor)
            do {
                serverChannel = try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
            } catch {
                throw .bindFailed(address: address, reason: "\(error)")
            }
        }
        return ProtocolServer(serverChannel: serverChannel, configuration: configuration, service: service,
                              logger: logger, onStop: onStop, socketFile: socketFile, address: address)
    }

    private init(serverChannel: NIOAsyncChannel<AcceptedConnection, Never>, configuration: ProtocolServerConfiguration,
                 service: any PaymentService, logger: Logger, onStop: @escaping @Sendable () async -> Void,
                 socketFile: (path: String, identity: UnixSocketFile.Identity)?, address: String) {
        self.serverChannel = serverChannel
        self.registry = ConnectionRegistry(limit: configuration.maximumConnections)
        (stopRequests, stopRequestSink) = AsyncStream.makeStream(of: Void.self)
        let sink = stopRequestSink
        self.environment = SessionEnvironment(
            dispatcher: CommandDispatcher(service: service),
            adminPolicy: configuration.adminPolicy,
            registry: registry,
            maximumLineBytes: configuration.maximumLineBytes,
            maximumPipelinedRequests: configuration.maximumPipelinedRequests,
            watchWriteTimeout: TimeAmount(configuration.watchWriteTimeout),
            requestStop: { sink.yield(()) })
        self.onStop = onStop
        self.socketFile = socketFile
        self.drainTimeout = TimeAmount(configuration.drainTimeout)
        self.logger = logger
        self.address = address
    }

    /// Connections open right now.
    public var connectionCount: Int { registry.count }

    /// Serves until `shutdown()` (or cancellation, which shuts down the same way), then
    /// returns when every connection is closed. Removes the socket file it created.
    ///
    /// Throws `listener_failed` (after draining the open connections) if the listening socket
    /// stopped accepting without `shutdown()`: the daemon must not keep running deaf.
    public func run() async throws(ProtocolServerError) {
        logger.info("protocol server listening", metadata: ["address": "\(address)"])
        let failure = await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self, returning: ProtocolServerError?.self) { group in
                let stopRequests = self.stopRequests
                let onStop = self.onStop
                group.addTask {
                    for await _ in stopRequests {
                        await onStop()
                        break
                    }
                }
                let failure = await acceptConnections()
                stopRequestSink.finish()
                await group.waitForAll()
                return failure
            }
        } onCancel: {
            shutdown()
        }
        registry.cancelDrainDeadline()
        if let socketFile { UnixSocketFile.removeIfOurs(path: socketFile.path, identity: socketFile.identity) }
        logger.info("protocol server stopped", metadata: ["address": "\(address)"])
        if let failure { throw failure }
    }

    /// Stops accepting and reading; requests already read are answered, then connections
    /// close. Returns at once (idempotent); `run()` returns when the drain is complete.
    public func shutdown() {
        guard registry.beginDraining() else { return }
        logger.info("protocol server draining", metadata: ["connections": "\(registry.count)"])
        serverChannel.channel.close(promise: nil)
        registry.closeAllInputs()
        let registry = self.registry
        let deadline = serverChannel.channel.eventLoop.scheduleTask(in: drainTimeout) { registry.closeAll() }
        registry.setDrainDeadline(deadline)
    }

    /// Accepts until the listener closes, serving each connection in a child task; returns
    /// once every connection is done, with an error if the listener closed by itself.
    private func acceptConnections() async -> ProtocolServerError? {
        var failure: ProtocolServerError?
        await withDiscardingTaskGroup { sessions in
            do {
                try await serverChannel.executeThenClose { inbound in
                    for try await accepted in inbound {
                        sessions.addTask { await self.serve(accepted) }
                    }
                }
            } catch {
                failure = .listenerFailed(address: address, reason: "\(error)")
            }
            if !registry.isDraining {
                failure = failure ?? .listenerFailed(address: address, reason: "the listening socket closed")
                logger.error("the protocol server stopped accepting connections; draining", metadata: ["address": "\(address)"])
                shutdown()
            }
        }
        return failure
    }

    private func serve(_ accepted: AcceptedConnection) async {
        guard case .ready(let connection, let peer) = accepted else {
            if case .unusable(_, let reason) = accepted { logger.debug("connection set-up failed", metadata: ["error": "\(reason)"]) }
            return
        }
        let channel = connection.channel
        switch registry.admit(channel) {
        case .refused:
            logger.warning("connection refused: too many connections", metadata: ["limit": "\(registry.limit)"])
            await ConnectionSession.refuse(connection, error: .tooManyConnections(limit: registry.limit))
        case .admitted(let draining):
            defer { registry.remove(channel) }
            if draining { channel.close(mode: .input, promise: nil) }
            var logger = self.logger
            logger[metadataKey: "peer_uid"] = "\(peer.map { String($0.uid) } ?? "unknown")"
            await ConnectionSession(connection: connection, peer: peer, environment: environment, logger: logger).run()
        }
    }
}
