import ThreadExecutor

/// An async HTTP POST client for one endpoint, on a thread of its own.
///
/// curl's easy interface blocks; pinning it to a dedicated thread keeps it off Swift's
/// cooperative pool, and reusing one handle keeps one kept-alive TCP connection, so a JSON-RPC
/// batch costs one round trip and no handshake. Requests from many tasks are served in order.
public actor HTTPPostClient {
    private let executor: DedicatedThreadExecutor
    private let url: String
    private let timeoutMilliseconds: Int
    private var connection: HTTPPostConnection?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public init(url: String, timeoutMilliseconds: Int = 10_000, name: String = "http-post") {
        self.url = url
        self.timeoutMilliseconds = timeoutMilliseconds
        executor = DedicatedThreadExecutor(name: name)
    }

    deinit { executor.shutdown() }

    /// POSTs `body` and returns the body of a 2xx response.
    public func post(_ body: [UInt8]) throws(HTTPPostError) -> [UInt8] {
        let conn = try openConnection()
        do {
            return try conn.post(body)
        } catch {
            // A failed exchange may leave the handle's connection in an unknown state.
            if case .transport = error { connection = nil }
            if case .timedOut = error { connection = nil }
            throw error
        }
    }

    private func openConnection() throws(HTTPPostError) -> HTTPPostConnection {
        if let connection { return connection }
        let fresh = try HTTPPostConnection(url: url, timeoutMilliseconds: timeoutMilliseconds)
        connection = fresh
        return fresh
    }
}
