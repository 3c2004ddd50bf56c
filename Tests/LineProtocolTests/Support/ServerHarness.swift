import TestHarness
import Foundation
import JSON
import LineProtocol
import PaymentModel

/// One protocol server on a socket in a fresh temporary directory, serving an
/// `InMemoryPaymentService`, run the way the daemon runs it (`bind`, then `run()` in a task).
final class ServerHarness: Sendable {
    let server: ProtocolServer
    let service: InMemoryPaymentService
    let directory: String
    let socketPath: String
    let stopRequests: StopRecorder
    private let running: Task<Void, Never>

    static func start(service: InMemoryPaymentService = InMemoryPaymentService(),
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

    func client(requestTimeout: Duration? = .seconds(10)) -> PaymentdClient {
        PaymentdClient(socketPath: socketPath, requestTimeout: requestTimeout)
    }

    func rawClient(receiveTimeoutSeconds: Int = 10) throws -> RawUnixConnection {
        try RawUnixConnection(path: socketPath, receiveTimeoutSeconds: receiveTimeoutSeconds)
    }

    /// Shuts the server down and waits until `run()` returned.
    func stop(removingDirectory: Bool = true) async {
        server.shutdown()
        await running.value
        if removingDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Waits until `run()` returned (after a shutdown started elsewhere).
    func waitUntilStopped() async {
        await running.value
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    func eventually(seconds: Double = 5, _ condition: @Sendable () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/lp-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw RawUnixConnection.Failure(description: "mkdtemp failed") }
        let path = String(cString: created)
        chmod(path, 0o755)
        return path
    }
}

/// Counts the daemon's `onStop` calls.
actor StopRecorder {
    private(set) var count = 0
    func record() { count += 1 }
}

/// Requests and payloads the tests share.
enum Sample {
    static let payer = "0x1111111111111111111111111111111111111111"
    static let receiver = "0x2222222222222222222222222222222222222222"
    static let usdc = "0x3333333333333333333333333333333333333333"
    static let token = "0x4444444444444444444444444444444444444444"

    static func authorization(value: String = "1000000", nonce: String = "0x" + String(repeating: "0a", count: 32)) -> AuthorizationPayload {
        AuthorizationPayload(from: payer, to: receiver, value: value, validAfter: "0", validBefore: "4102444800",
                             nonce: nonce, signature: "0x" + String(repeating: "1b", count: 65))
    }

    static func paymentRequest(amount: String = "1000000", key: String? = nil) -> PaymentRequest {
        PaymentRequest(type: .mint, token: token, paymentToken: usdc, amount: amount,
                       authorization: authorization(value: amount),
                       metadata: ["quantity": 1, "recipient": .string(payer)], idempotencyKey: key)
    }

    static func enqueueLine(id: JSONValue = 1, amount: String = "1000000", key: String? = nil) -> String {
        String(decoding: ProtocolRequest(id: id, command: .enqueue(paymentRequest(amount: amount, key: key))).line.dropLast(), as: UTF8.self)
    }

    static func snapshot(id: String = "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", status: PaymentStatus = .sent) -> PaymentSnapshot {
        PaymentSnapshot(
            paymentID: id, type: .mint, status: status, payer: payer, amount: "1000000", paymentToken: usdc, token: token,
            txHash: "0x" + String(repeating: "ee", count: 32), error: nil,
            createdAt: Date(timeIntervalSince1970: 1_735_689_600.25), processedAt: Date(timeIntervalSince1970: 1_735_689_603.5),
            result: nil, metadata: ["quantity": 2, "recipient": .string(payer)],
            signer: "0x" + String(repeating: "55", count: 20), nonce: 42,
            attempts: ["0x" + String(repeating: "ee", count: 32)],
            mints: [MintSnapshot(index: 0, recipient: payer, status: .pending, dedupeHash: "0x" + String(repeating: "dd", count: 32),
                                 txHash: nil, error: nil)])
    }
}
