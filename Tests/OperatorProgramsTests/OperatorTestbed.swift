import Ethereum
import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec
import PaymentModel
import Postgres
import TestHarness
import X402Buyer
import XCTest

/// One test's world for the operator programs: the devchain this test target shares (1 s
/// blocks), a database and workspace of its own, a real `paymentd` started from it, and the
/// `payctl` and `paymentd-health` binaries run as a person or a monitor would run them.
///
/// Kept to what these tests need: buyer-signed payments, rows seeded straight into the
/// database (stats are computed from the tables, so a seeded row is what the daemon reports),
/// and running the binaries with their output and exit status.
final class OperatorTestbed: Sendable {
    static let sharedChain = Result { try Devchain.start(blockMilliseconds: 1000, signers: 4, buyers: 8) }

    let chain: Devchain
    let databaseURL: String
    let workspace: PaymentdWorkspace

    init(overrides: [String: String?] = [:]) async throws {
        chain = try Self.sharedChain.get()
        databaseURL = try ThrowawayPostgres.shared().makeDatabase(prefix: "operator")
        workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: databaseURL, overrides: overrides)
        try await drainPool()
    }

    var socketPath: String { workspace.socketPath }

    /// Starts a daemon from the workspace (or `options`) and waits for READY=1.
    func startDaemon(_ options: PaymentdProcess.Options = PaymentdProcess.Options()) async throws -> PaymentdProcess {
        let daemon = try PaymentdProcess.start(workspace, options)
        try await daemon.waitUntilReady()
        return daemon
    }

    func client() -> PaymentdClient {
        PaymentdClient(socketPath: socketPath, requestTimeout: .seconds(60))
    }

    // MARK: The programs

    /// The binary `name` built next to `paymentd` (`swift build --build-tests` builds them all).
    static func binary(_ name: String) throws -> String {
        let path = URL(fileURLWithPath: try PaymentdProcess.binaryPath()).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw HarnessError("\(name) is not built at \(path)") }
        return path
    }

    /// A plain environment, as cron or a systemd timer gives (no terminal, no NO_COLOR).
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8"]
        environment.merge(extra) { $1 }
        return environment
    }

    /// Runs `payctl` or `paymentd-health` with `arguments`, output into files, as from a pipe.
    func run(_ program: String, _ arguments: [String], environment: [String: String] = OperatorTestbed.environment(), input: String = "",
             timeout: Double = 120) async throws -> ChildProcess.Result {
        let binary = try Self.binary(program)
        return try await BlockingWork.run {
            try ChildProcess.run(binary, arguments, environment: environment, input: input, timeoutSeconds: timeout)
        }
    }

    /// Runs the program on a pseudo-terminal (util-linux `script`), as a person at a terminal
    /// sees it: standard output and error are the terminal, so colours and the progress bar show.
    func runOnTerminal(_ program: String, _ arguments: [String], environment: [String: String] = OperatorTestbed.environment(["TERM": "xterm"]),
                       timeout: Double = 120) async throws -> ChildProcess.Result {
        let command = ([try Self.binary(program)] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try await BlockingWork.run {
            try ChildProcess.run("/usr/bin/script", ["-qfec", command, "/dev/null"], environment: environment, timeoutSeconds: timeout)
        }
    }

    // MARK: Payments

    var usdc: Address { get throws { try Address(hex: chain.usdc) } }
    var mintToken: Address { get throws { try Address(hex: chain.mintToken) } }

    func buyerKey(_ index: Int) throws -> PrivateKey {
        try PrivateKey(hex: chain.buyers[index % chain.buyers.count].privateKey)
    }

    /// One item at the configured price, signed by `buyer` as an x402 client signs it.
    func request(buyer: PrivateKey, idempotencyKey: String? = nil) throws -> PaymentRequest {
        let signer = AuthorizationSigner(domain: EIP712Domain(name: chain.usdcName, version: chain.usdcVersion, chainId: chain.chainID,
                                                              verifyingContract: try usdc))
        let value = PaymentdWorkspace.unitPrice
        let authorization = signer.authorization(from: buyer, to: try Address(hex: chain.receiver), value: UInt256(value))
        return PaymentRequest(type: .mint, token: try mintToken.checksummed, paymentToken: try usdc.checksummed, amount: String(value),
                              authorization: authorization,
                              metadata: ["quantity": 1, "recipient": .string(buyer.address.checksummed)], idempotencyKey: idempotencyKey)
    }

    /// The request as a line of an enqueue file: `{"payment":{…},"idempotency_key":"…"}`.
    static func fileLine(_ request: PaymentRequest) -> String {
        var fields: [String: JSONValue] = ["payment": request.wirePayment]
        if let key = request.idempotencyKey { fields["idempotency_key"] = .string(key) }
        return JSONWriter.string(.object(fields))
    }

    // MARK: Database

    func sql(_ statement: String) throws {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        try conn.execute(statement)
    }

    func count(_ query: String) throws -> Int {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        return Int(try conn.query(query).first?.int64("n") ?? -1)
    }

    // MARK: Waiting

    func drainPool() async throws {
        try await wait("the devchain pool to drain", seconds: 90) {
            let status = try self.chain.control("txpool_status")
            return status["pending"]?.stringValue == "0x0" && status["queued"]?.stringValue == "0x0"
        }
    }

    func wait(_ message: String, seconds: Double = 180, file: StaticString = #filePath, line: UInt = #line,
              until condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTFail("timed out after \(seconds) s waiting for \(message)", file: file, line: line)
        throw HarnessError("timed out waiting for \(message)")
    }
}
