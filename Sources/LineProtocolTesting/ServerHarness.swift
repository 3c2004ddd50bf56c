import Foundation
import LineProtocolClient
import LineProtocolServer

/// One protocol server on a socket in a fresh temporary directory, serving an
/// `InMemoryPaymentService`, run the way the daemon runs it (`bind`, then `run()` in a task):
/// the real server and client over a real socket, without a database, a chain or a daemon.
public final class ServerHarness: Sendable {
    public let server: ProtocolServer
    public let service: InMemoryPaymentService
    public let directory: String
    public let socketPath: String
    public let stopRequests: StopRecorder
    private let running: Task<Void, Never>

    public static func start(service: InMemoryPaymentService = InMemoryPaymentService(),
                             directory: String? = nil,
                             configure: (inout ProtocolServerConfiguration) -> Void = { _ in }) async throws -> ServerHarness {
        let directory = try directory ?? makeTemporaryDirectory()
        let socketName = "paymentd.sock"
        let socketPath = directory + "/" + socketName
        var configuration = ProtocolServerConfiguration(listener: .path(socketPath))
        configure(&configuration)
        let recorder = StopRecorder()
        let server = try await ProtocolServer.bind(configuration: configuration, service: service) {
            await recorder.record()
        }
        return ServerHarness(server: server, service: service, directory: directory, socketPath: socketPath, stopRequests: recorder)
    }

    private init(server: ProtocolServer, service: InMemoryPaymentService, directory: String, socketPath: String, stopRequests: StopRecorder) {
        self.server = server
        self.service = service
        self.directory = directory
        self.socketPath = socketPath
        self.stopRequests = stopRequests
        running = Task { try? await server.run() }
    }

    public func client(requestTimeout: Duration? = .seconds(10)) -> PaymentdClient {
        PaymentdClient(socketPath: socketPath, requestTimeout: requestTimeout)
    }

    public func rawClient(receiveTimeoutSeconds: Int = 10) throws -> RawUnixConnection {
        try RawUnixConnection(path: socketPath, receiveTimeoutSeconds: receiveTimeoutSeconds)
    }

    /// Shuts the server down and waits until `run()` returned.
    public func stop(removingDirectory: Bool = true) async {
        server.shutdown()
        await running.value
        if removingDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Waits until `run()` returned (after a shutdown started elsewhere).
    public func waitUntilStopped() async {
        await running.value
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    public func eventually(seconds: Double = 5, _ condition: @Sendable () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    public static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/lp-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw RawUnixConnection.Failure(description: "mkdtemp failed") }
        let path = String(cString: created)
        chmod(path, 0o755)
        return path
    }
}
