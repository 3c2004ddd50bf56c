import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import Postgres
import TestHarness
import XCTest

/// One test's world: the devchain every daemon test shares (1 s blocks), a database of its own
/// and a workspace (config file and key files) to start real `paymentd` processes from, plus
/// what the tests need around them: buyer-signed payments, on-chain balances, SQL.
///
/// Daemons of different tests use the same relayer and minter keys one after another, so a
/// testbed waits for the devchain's pool to drain before its first daemon starts: a
/// transaction left by an earlier test must not land inside this test's balance checks.
final class DaemonTestbed: Sendable {
    static let sharedChain = Result { try Devchain.start(blockMilliseconds: 1000, signers: 4, buyers: 8) }

    let chain: Devchain
    let databaseURL: String
    let workspace: PaymentdWorkspace

    init(logLevel: String = "info", overrides: [String: String?] = [:]) async throws {
        chain = try Self.sharedChain.get()
        databaseURL = try ThrowawayPostgres.shared().makeDatabase(prefix: "daemon")
        workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: databaseURL, logLevel: logLevel, overrides: overrides)
        try await drainPool()
    }

    // MARK: Daemons

    /// Starts a daemon from the workspace and waits for READY=1.
    func startDaemon(_ options: PaymentdProcess.Options = PaymentdProcess.Options(), file: StaticString = #filePath,
                     line: UInt = #line) async throws -> PaymentdProcess {
        let daemon = try PaymentdProcess.start(workspace, options)
        do {
            try await daemon.waitUntilReady()
        } catch {
            XCTFail("paymentd did not become ready: \(error)", file: file, line: line)
            throw error
        }
        return daemon
    }

    /// A client of the workspace's socket.
    func client(timeout: Duration = .seconds(60)) -> PaymentdClient {
        PaymentdClient(socketPath: workspace.socketPath, requestTimeout: timeout)
    }

    /// Lets every buyer have any number of unsettled payments (the default is 10).
    func allowManyPendingPayments(_ client: PaymentdClient) async throws {
        _ = try await client.updateSetting(key: "max_pending_per_payer", value: "100000")
    }

    // MARK: Payments

    var usdc: Address { get throws { try Address(hex: chain.usdc) } }
    var receiver: Address { get throws { try Address(hex: chain.receiver) } }
    var mintToken: Address { get throws { try Address(hex: chain.mintToken) } }

    func buyerKey(_ index: Int) throws -> PrivateKey {
        try PrivateKey(hex: chain.buyers[index % chain.buyers.count].privateKey)
    }

    /// A payment signed by `buyer` the way an x402 client signs one: EIP-3009
    /// `transferWithAuthorization` to the receiver, valid from ten minutes ago for `validFor`,
    /// for `quantity` items at the configured price unless `value` says otherwise.
    func request(buyer: PrivateKey, value: UInt64? = nil, quantity: Int = 1, validFor seconds: UInt64 = 3600,
                 idempotencyKey: String? = nil) throws -> PaymentRequest {
        let value = value ?? PaymentdWorkspace.unitPrice * UInt64(quantity)
        let now = UInt64(Date().timeIntervalSince1970)
        let nonce = try Bytes32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let transfer = TransferWithAuthorization(from: buyer.address, to: try receiver, value: UInt256(value),
                                                 validAfter: UInt256(now - 600), validBefore: UInt256(now + seconds), nonce: nonce)
        let domain = EIP712Domain(name: chain.usdcName, version: chain.usdcVersion, chainId: chain.chainID, verifyingContract: try usdc)
        let signature = buyer.sign(digest: transfer.digest(domain: domain))
        var authorization = AuthorizationPayload(from: buyer.address.checksummed, to: transfer.to.checksummed, value: String(value),
                                                 validAfter: transfer.validAfter.description, validBefore: transfer.validBefore.description,
                                                 nonce: nonce.hex)
        authorization.signature = signature.hex
        return PaymentRequest(type: .mint, token: try mintToken.checksummed, paymentToken: try usdc.checksummed, amount: String(value),
                              authorization: authorization,
                              metadata: ["quantity": .int(Int64(quantity)), "recipient": .string(buyer.address.checksummed)],
                              idempotencyKey: idempotencyKey)
    }

    // MARK: Chain

    func usdcBalance(_ account: Address) throws -> UInt256 {
        try ABI.decodeUInt256(call(to: try usdc, data: USDCCalldata.balanceOf(account)))
    }

    func mintBalance(_ account: Address) throws -> UInt256 {
        try ABI.decodeUInt256(call(to: try mintToken, data: USDCCalldata.balanceOf(account)))
    }

    func hasMinted(_ dedupeHash: String) throws -> Bool {
        try ABI.decodeBool(call(to: try mintToken, data: MintContractCalldata.hasMinted(try Bytes32(hex: dedupeHash))))
    }

    /// The sum of the mint token balances of every devchain buyer.
    func mintedToBuyers() throws -> UInt256 {
        var total = UInt256(0)
        for buyer in chain.buyers { total += try mintBalance(try Address(hex: buyer.address)) }
        return total
    }

    var tokensPerMint: UInt256 { get throws { try UInt256(parsingDecimal: chain.mintAmount) } }

    private func call(to: Address, data: [UInt8]) throws -> [UInt8] {
        let result = try chain.control("eth_call", [["to": .string(to.checksummed), "data": .string(Hex.encode(data))], "latest"])
        guard let text = result.stringValue else { throw HarnessError("eth_call returned \(result)") }
        return try Hex.decode(text)
    }

    /// Waits until the devchain's pool is empty.
    func drainPool() async throws {
        try await wait("the devchain pool to drain", seconds: 90) {
            let status = try self.chain.control("txpool_status")
            return status["pending"]?.stringValue == "0x0" && status["queued"]?.stringValue == "0x0"
        }
    }

    // MARK: Database

    func database() throws -> PostgresConnection { try PostgresConnection(conninfo: databaseURL) }

    /// Payments per status, straight from `payment_queue`.
    func statusCounts() throws -> [String: Int] {
        let conn = try database()
        defer { conn.close() }
        var counts: [String: Int] = [:]
        for row in try conn.query("SELECT status, count(*) AS n FROM payment_queue GROUP BY status").rows {
            counts[try row.string("status")] = Int(try row.int64("n"))
        }
        return counts
    }

    /// A digest of everything a request could change: `payment_queue`, `mint_queue`,
    /// `mint_batches` and `system_settings`, row by row.
    func stateDigest() throws -> String {
        let conn = try database()
        defer { conn.close() }
        var parts: [String] = []
        for table in ["payment_queue", "mint_queue", "mint_batches", "system_settings"] {
            let row = try conn.query("SELECT count(*) AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS d FROM \(table) t").first
            parts.append("\(table): \(try row?.int64("n") ?? -1) rows, \(try row?.string("d") ?? "?")")
        }
        return parts.joined(separator: "; ")
    }

    // MARK: Waiting

    /// Polls `condition` every 250 ms until it holds; fails the test after `seconds`.
    func wait(_ message: String, seconds: Double = 120, file: StaticString = #filePath, line: UInt = #line,
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
