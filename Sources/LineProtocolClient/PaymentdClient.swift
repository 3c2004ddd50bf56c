import JSON
import LineProtocolCodec
import LineProtocolNIO
import NIOCore
import NIOPosix
import PaymentModel

/// The one client of the line protocol, for `payctl`, `paymentd-health`, `mint-server` and the
/// tests: typed calls in, typed results out, over one kept-open connection that any number of
/// tasks may share (their requests are pipelined and matched to responses in order).
///
/// It connects lazily and reconnects on the next call after the connection closed (e.g. a
/// daemon restart); a call in flight when a connection drops fails with `connection_closed`
/// and is not retried, because the client cannot know whether it ran (enqueue with an
/// idempotency key is safe to repeat). Watching uses a connection of its own.
public final class PaymentdClient: Sendable {
    public let socketPath: String
    let eventLoopGroup: any EventLoopGroup
    private let requestTimeout: TimeAmount?
    private let maximumResponseBytes: Int
    private let state: ClientConnectionState

    /// - Parameter requestTimeout: how long a call waits for its response (nil: forever).
    public init(socketPath: String, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                requestTimeout: Duration? = .seconds(30),
                maximumResponseBytes: Int = LineBoundary.maximumResponseLineBytes) {
        self.socketPath = socketPath
        self.eventLoopGroup = eventLoopGroup
        self.requestTimeout = requestTimeout.map(TimeAmount.init)
        self.maximumResponseBytes = maximumResponseBytes
        self.state = ClientConnectionState()
    }

    // MARK: Typed commands

    public func ping() async throws(PaymentdClientError) {
        _ = try await send(.ping)
    }

    public func version() async throws(PaymentdClientError) -> DaemonVersion {
        try Self.decode(try await send(.version), DaemonVersion.init(wire:))
    }

    public func enqueue(_ request: PaymentRequest) async throws(PaymentdClientError) -> EnqueueResult {
        try Self.decode(try await send(.enqueue(request)), EnqueueResult.init(wire:))
    }

    public func status(paymentID: String) async throws(PaymentdClientError) -> PaymentSnapshot {
        try Self.decode(try await send(.status(paymentID: paymentID)), PaymentSnapshot.init(wire:))
    }

    public func stats() async throws(PaymentdClientError) -> PaymentStats {
        try Self.decode(try await send(.stats), PaymentStats.init(wire:))
    }

    public func list(_ filter: PaymentListFilter = PaymentListFilter()) async throws(PaymentdClientError) -> [PaymentSnapshot] {
        try Self.decode(try await send(.list(filter)), ListResult.payments(wire:))
    }

    public func retry(paymentID: String) async throws(PaymentdClientError) -> PaymentSnapshot {
        try Self.decode(try await send(.retry(paymentID: paymentID)), PaymentSnapshot.init(wire:))
    }

    /// Requeues a payment's failed mint jobs (admin).
    public func retryMint(paymentID: String) async throws(PaymentdClientError) -> PaymentSnapshot {
        try Self.decode(try await send(.retryMint(paymentID: paymentID)), PaymentSnapshot.init(wire:))
    }

    /// Replaces a product's price (admin); the new price list.
    public func setPrice(_ price: PriceOverride) async throws(PaymentdClientError) -> [Price] {
        try Self.decode(try await send(.pricesSet(price)), ListResult.prices(wire:))
    }

    /// Removes a product's price override (admin); the new price list.
    public func removePrice(product: String) async throws(PaymentdClientError) -> [Price] {
        try Self.decode(try await send(.pricesUnset(product: product)), ListResult.prices(wire:))
    }

    /// Records `txHash` as the refund of a paid payment whose mints cannot be made (admin).
    public func refund(paymentID: String, txHash: String) async throws(PaymentdClientError) -> PaymentSnapshot {
        try Self.decode(try await send(.refund(paymentID: paymentID, txHash: txHash)), PaymentSnapshot.init(wire:))
    }

    public func cancel(paymentID: String) async throws(PaymentdClientError) -> PaymentSnapshot {
        try Self.decode(try await send(.cancel(paymentID: paymentID)), PaymentSnapshot.init(wire:))
    }

    public func settings() async throws(PaymentdClientError) -> [Setting] {
        try Self.decode(try await send(.settingsGet), ListResult.settings(wire:))
    }

    public func updateSetting(key: String, value: String) async throws(PaymentdClientError) -> [Setting] {
        try Self.decode(try await send(.settingsSet(key: key, value: value)), ListResult.settings(wire:))
    }

    /// The price list the daemon enforces at enqueue.
    public func prices() async throws(PaymentdClientError) -> [Price] {
        try Self.decode(try await send(.prices), ListResult.prices(wire:))
    }

    /// Asks the daemon to stop; returns once it acknowledged (it then drains and exits).
    public func stop() async throws(PaymentdClientError) {
        _ = try await send(.stop)
    }

    // MARK: Untyped access

    /// Sends a command and returns its `result` object as JSON; an error response throws
    /// `.remote` with the daemon's code. (`watch` belongs to `watch(paymentID:)`.)
    public func send(_ command: ProtocolCommand) async throws(PaymentdClientError) -> JSONValue {
        let id = JSONValue.int(nextRequestID())
        let value = try await exchange(ProtocolRequest(id: id, command: command).line)
        let response: ProtocolResponse
        do throws(JSONShapeError) {
            response = try ProtocolResponse(wire: value)
        } catch {
            throw .malformedResponse(error.description)
        }
        guard response.id == id else {
            throw .malformedResponse("the response's id \(JSONWriter.string(response.id)) is not the request's \(JSONWriter.string(id))")
        }
        switch response.outcome {
        case .success(let result): return result
        case .failure(let error): throw .remote(error)
        }
    }

    /// Sends one raw line (a newline is added) and returns the whole response object as
    /// received: for transcripts and debugging tools that must send exactly what they are given.
    public func responseObject(forLine line: String) async throws(PaymentdClientError) -> JSONValue {
        try await exchange(Array(line.utf8) + [UInt8(ascii: "\n")])
    }

    /// Closes the connection; a later call opens a new one.
    public func close() async {
        guard let connecting = state.take() else { return }
        if let channel = try? await connecting.get() {
            try? await channel.close()
        }
    }

    // MARK: Connection

    func nextRequestID() -> Int64 { state.nextRequestID() }

    private func exchange(_ line: [UInt8]) async throws(PaymentdClientError) -> JSONValue {
        let channel = try await connectedChannel()
        let promise = channel.eventLoop.makePromise(of: JSONValue.self)
        // If the channel closed meanwhile, the write never reaches the matching handler: fail
        // the response promise here too (a second completion is ignored).
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { _ in promise.fail(PaymentdClientError.connectionClosed) }
        channel.writeAndFlush(ClientRequest(line: line, promise: promise, timeout: requestTimeout), promise: written)
        do {
            return try await promise.futureResult.get()
        } catch let error as PaymentdClientError {
            throw error
        } catch {
            throw .connectionClosed
        }
    }

    private func connectedChannel() async throws(PaymentdClientError) -> any Channel {
        let connecting = state.current { [socketPath, eventLoopGroup, maximumResponseBytes] in
            Self.connect(socketPath: socketPath, group: eventLoopGroup, maximumResponseBytes: maximumResponseBytes) { channel in
                try channel.pipeline.syncOperations.addHandler(ResponseMatchingHandler(maximumLineBytes: maximumResponseBytes))
            }
        }
        do {
            let channel = try await connecting.get()
            channel.closeFuture.whenComplete { [state] _ in state.forget(connecting) }
            return channel
        } catch {
            state.forget(connecting)
            throw .connectionFailed(path: socketPath, reason: "\(error)")
        }
    }

    static func connect(socketPath: String, group: any EventLoopGroup, maximumResponseBytes: Int,
                        addHandlers: @escaping @Sendable (any Channel) throws -> Void) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumResponseBytes)))
                    try addHandlers(channel)
                }
            }
            .connect(unixDomainSocketPath: socketPath)
    }

    static func decode<Value>(_ result: JSONValue, _ reader: (JSONValue) throws(JSONShapeError) -> Value) throws(PaymentdClientError) -> Value {
        do throws(JSONShapeError) {
            return try reader(result)
        } catch {
            throw .malformedResponse(error.description)
        }
    }
}
