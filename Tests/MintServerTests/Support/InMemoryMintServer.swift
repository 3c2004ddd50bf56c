import Foundation
import JSON
import LineProtocolTesting
import Logging
import MintServer
import ServiceLifecycle
import X402
import X402Buyer
import XCTest

/// mint-server in-process on a free loopback port, in front of the real client and protocol
/// server but an in-memory `PaymentService` (no chain, no database): for the routes' shapes,
/// statuses and error mapping. The in-memory service sells one product: token 0x4444…, paid in
/// 0x3333…, 1000 atomic units per item, at most 10.
final class InMemoryMintServer: Sendable {
    static let token = "0x4444444444444444444444444444444444444444"
    static let asset = "0x3333333333333333333333333333333333333333"
    static let payTo = "0x5555555555555555555555555555555555555555"
    static let chainID: UInt64 = 31337

    let harness: ServerHarness
    let configuration: MintServerConfiguration
    let baseURL: String
    let http = HTTPExchange(connections: 8)
    private let running: Task<Void, any Error>
    private let group: ServiceGroup

    static func start(_ adjust: (inout MintServerConfiguration) -> Void = { _ in }) async throws -> InMemoryMintServer {
        let harness = try await ServerHarness.start()
        var configuration = MintServerConfiguration()
        for (key, value) in [("listen", "127.0.0.1:0"), ("socket_path", harness.socketPath), ("chain_id", String(chainID)),
                             ("network", "devchain"), ("pay_to", payTo), ("eip712_name", "USD Coin"), ("settle_deadline_seconds", "2")] {
            XCTAssertNil(configuration.apply(key: key, value: value))
        }
        adjust(&configuration)
        try configuration.validate()
        var logger = Logger(label: "mint-server-test")
        logger.logLevel = .warning
        let server = MintServer(configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: server.services { port in continuation.yield(port) }, logger: logger))
        // The stream ends without a port if the group stops first (the server failed to start)
        // or after `startDeadline` (only so that a server that never listens fails the test
        // instead of hanging it): either way the route tests fail, never skip.
        let running = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        let deadline = Task {
            try await Task.sleep(for: Self.startDeadline)
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        let listening = await iterator.next()
        deadline.cancel()
        guard let port = listening else {
            await group.triggerGracefulShutdown()
            let outcome = await running.result
            await harness.stop()
            throw DidNotStart(outcome: outcome)
        }
        configuration.listenPort = port
        return InMemoryMintServer(harness: harness, configuration: configuration, baseURL: "http://127.0.0.1:\(port)",
                                  running: running, group: group)
    }

    /// How long `start` waits for the server to listen.
    static let startDeadline = Duration.seconds(30)

    /// mint-server did not listen: its service group ended first (with `outcome`), or it was
    /// still not listening after `startDeadline`.
    struct DidNotStart: Error, CustomStringConvertible {
        let outcome: Result<Void, any Error>
        var description: String {
            switch outcome {
            case .success: "mint-server never reported a listening port (its service group ended, or \(InMemoryMintServer.startDeadline) passed)"
            case .failure(let error): "mint-server never reported a listening port; its service group failed: \(error)"
            }
        }
    }

    private init(harness: ServerHarness, configuration: MintServerConfiguration, baseURL: String, running: Task<Void, any Error>,
                 group: ServiceGroup) {
        self.harness = harness
        self.configuration = configuration
        self.baseURL = baseURL
        self.running = running
        self.group = group
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        await harness.stop()
    }

    var service: InMemoryPaymentService { harness.service }

    func send(_ method: String, _ path: String, headers: [String: String] = [:], json: JSONValue? = nil) async throws -> HTTPExchange.Answer {
        try await http.send(method, URL(string: baseURL + path)!, headers: headers, body: json.map(JSONWriter.bytes))
    }

    /// The 402 of `path` for `quantity` items.
    func challenge(_ path: String = "/api/mint/\(token)", quantity: Int = 1) async throws -> (version: Int, accepts: [PaymentRequirements], answer: HTTPExchange.Answer) {
        let answer = try await send("POST", path, json: ["quantity": .int(Int64(quantity))])
        XCTAssertEqual(answer.status, 402, answer.bodyText)
        let offers = try PaymentChallenge.offers(paymentRequiredHeader: answer.headers["payment-required"], body: answer.body)
        return (offers.version, offers.accepts, answer)
    }

    /// The header a buyer sends for the 402's offer, in `version` (1: from the body; 2: from the header).
    func payment(version: Int, quantity: Int = 1, path: String = "/api/mint/\(token)", buyer: PrivateKeyText = .random,
                 edit: (inout PaymentPayload) -> Void = { _ in }) async throws -> (name: String, value: String, payload: PaymentPayload) {
        let (_, _, answer) = try await challenge(path, quantity: quantity)
        let offers = try PaymentChallenge.offers(paymentRequiredHeader: version == 2 ? answer.headers["payment-required"] : nil, body: answer.body)
        var signed = try PaymentHeaderBuilder(chainID: Self.chainID, v1Names: ["devchain": Self.chainID])
            .pay(version: version, accepts: offers.accepts, buyer: try buyer.key())
        edit(&signed.payload)
        return (signed.headerName, signed.headerValue, signed.payload)
    }
}
