import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore
import Postgres
@testable import SettlementEngine
import TestHarness
import XCTest

/// A real engine on a throwaway database and the devchain (interval mining, 1 s blocks), with
/// helpers to sign buyer authorizations and read balances. One devchain serves every engine
/// test of the process; each testbed has a database of its own.
final class EngineTestbed: @unchecked Sendable {
    // @unchecked Sendable: `runTask` is only touched from the test's own task.
    static let sharedChain = Result { try Devchain.start(blockMilliseconds: 1000, signers: 4, buyers: 8) }
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// The testbed's price of one item of the devchain's mint token (0.001 USDC): a payment
    /// pays `unitPrice × quantity`, as the engine's price list demands.
    static let unitPrice: UInt64 = 1_000
    /// The most items one testbed payment may buy.
    static let maxQuantity = 10

    let chain: Devchain
    /// The endpoints the engine talks to (the devchain itself unless a test puts proxies in front).
    let rpcURLs: [String]
    let conninfo: String
    let configuration: EngineConfiguration
    let rpc: EthereumRPC
    let usdc: Address
    let mintToken: Address
    private(set) var engine: SettlementEngine
    private var runTask: Task<Void, Never>?

    /// `signers`: which devchain signer keys relay payments (by index), or explicit keys.
    /// `chain`: a devchain of the test's own (one it may age or fault for good); the shared one otherwise.
    /// `rpcURLs`: the engine's endpoints (default: the chain's own).
    init(signerKeys: [PrivateKey]? = nil, settings: [String: String] = [:], chain ownChain: Devchain? = nil,
         rpcURLs: [String]? = nil) async throws {
        chain = try ownChain ?? Self.sharedChain.get()
        self.rpcURLs = rpcURLs ?? [chain.rpcURL]
        conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "engine")
        usdc = try Address(hex: chain.usdc)
        mintToken = try Address(hex: chain.mintToken)
        let keys = try signerKeys ?? chain.signers.map { try PrivateKey(hex: $0.privateKey) }
        let prices = try PriceList(configured: [ProductPrice(product: .mint(mintToken), paymentToken: usdc, unitPrice: UInt256(Self.unitPrice),
                                                             maxQuantity: Self.maxQuantity, source: .configuration)],
                                   mintTokens: [mintToken], paymentTokens: [usdc], maxQuantity: 100)
        configuration = EngineConfiguration(
            chainID: chain.chainID, receiver: try Address(hex: chain.receiver),
            paymentTokens: [PaymentTokenConfiguration(address: usdc, domainName: chain.usdcName, domainVersion: chain.usdcVersion)],
            mintTokens: [mintToken], prices: prices, paymentSigners: keys, minter: try PrivateKey(hex: chain.minter.privateKey))
        rpc = EthereumRPC(url: chain.rpcURL)
        engine = SettlementEngine(configuration: configuration, conninfo: conninfo, rpcURLs: self.rpcURLs)
        let conn = try PostgresConnection(conninfo: conninfo)
        try MigrationRunner(directory: Self.repositoryRoot + "/migrations").apply(on: conn)
        for (key, value) in ["max_pending_per_payer": "100000"].merging(settings, uniquingKeysWith: { $1 }) {
            try SystemSettings.set(key: key, value: value, description: nil, on: conn)
        }
    }

    /// Waits until the devchain's pool is empty, so transactions left by an earlier test (a mint
    /// batch still in flight when it stopped) cannot land inside this test's measurements.
    func drainPool() async throws {
        try await wait("the devchain pool to drain", seconds: 60) {
            let status = try self.chain.control("txpool_status")
            return status["pending"]?.stringValue == "0x0" && status["queued"]?.stringValue == "0x0"
        }
    }

    /// Stops the devchain's mining until `resumeMining()`; `test` restarts it in its teardown
    /// too, so a failing test never leaves the shared chain frozen for the next one.
    func pauseMining(in test: XCTestCase) throws {
        try chain.control("miner_stop")
        let chain = self.chain
        test.addTeardownBlock {
            _ = try? chain.control("miner_start")
            _ = try? chain.resetFaults()
        }
    }

    func resumeMining() throws {
        try chain.control("miner_start")
    }

    /// Prepares (recovery included) and starts the loops.
    func start() async throws {
        try await engine.prepare(migrationsDirectory: Self.repositoryRoot + "/migrations")
        startLoops()
    }

    /// Starts the loops of an engine already prepared.
    func startLoops() {
        let engine = self.engine
        runTask = Task { await engine.run() }
    }

    /// Stops the loops the way SIGTERM does: each finishes its iteration.
    func stop() async {
        runTask?.cancel()
        await runTask?.value
        runTask = nil
    }

    /// A fresh engine on the same database and chain, as after a restart.
    func restartedEngine() -> SettlementEngine {
        engine = SettlementEngine(configuration: configuration, conninfo: conninfo, rpcURLs: rpcURLs)
        return engine
    }

    func buyerKey(_ index: Int) throws -> PrivateKey { try PrivateKey(hex: chain.buyers[index].privateKey) }

    /// A payment signed by `buyer` as an x402 client would sign it, for `quantity` items at the
    /// testbed's price unless `value` says otherwise.
    func request(buyer: PrivateKey, value: UInt64? = nil, quantity: Int = 1, validFor seconds: UInt64 = 3600,
                 to: Address? = nil, signWith: PrivateKey? = nil, idempotencyKey: String? = nil,
                 useVRS: Bool = false, nonce fixedNonce: Bytes32? = nil) throws -> PaymentRequest {
        let value = value ?? Self.unitPrice * UInt64(quantity)
        let now = UInt64(Date().timeIntervalSince1970)
        let nonce = try fixedNonce ?? Bytes32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let transfer = TransferWithAuthorization(from: buyer.address, to: to ?? configuration.receiver, value: UInt256(value),
                                                 validAfter: UInt256(now - 600), validBefore: UInt256(now + seconds), nonce: nonce)
        let domain = EIP712Domain(name: chain.usdcName, version: chain.usdcVersion, chainId: chain.chainID, verifyingContract: usdc)
        let signature = (signWith ?? buyer).sign(digest: transfer.digest(domain: domain))
        var auth = AuthorizationPayload(from: buyer.address.checksummed, to: transfer.to.checksummed, value: String(value),
                                        validAfter: transfer.validAfter.description, validBefore: transfer.validBefore.description,
                                        nonce: nonce.hex)
        if useVRS {
            auth.v = String(signature.v)
            auth.r = signature.r.hex
            auth.s = signature.s.hex
        } else {
            auth.signature = signature.hex
        }
        return PaymentRequest(type: .mint, token: mintToken.checksummed, paymentToken: usdc.checksummed, amount: String(value),
                              authorization: auth, metadata: ["quantity": .int(Int64(quantity)), "recipient": .string(buyer.address.checksummed)],
                              idempotencyKey: idempotencyKey)
    }

    /// Mints devchain USDC to `account` (the deployer is the token's master minter) and waits
    /// until it is mined.
    func mintUSDC(to account: Address, amount: UInt256) async throws {
        let data = ABI.calldata("mint(address,uint256)", [.address(account), .uint256(amount)])
        try await FrontRunner(testbed: self).send(to: usdc, data: data, gas: 200_000)
    }

    func usdcBalance(_ account: Address) async throws -> UInt256 {
        try await balance(token: usdc, account)
    }

    func mintBalance(_ account: Address) async throws -> UInt256 {
        try await balance(token: mintToken, account)
    }

    private func balance(token: Address, _ account: Address) async throws -> UInt256 {
        guard case .returned(let data) = try await rpc.call(to: token, data: USDCCalldata.balanceOf(account)) else {
            throw HarnessError("balanceOf reverted")
        }
        return try ABI.decodeUInt256(data)
    }

    func database() throws -> PostgresConnection { try PostgresConnection(conninfo: conninfo) }

    /// The code `engine.enqueue(request)` is refused with, or nil when it was queued.
    func refusalCode(_ request: PaymentRequest) async -> String? {
        do {
            _ = try await engine.enqueue(request)
            return nil
        } catch {
            return error.code
        }
    }

    func count(_ status: PaymentStatus) throws -> Int {
        Int(try database().query("SELECT count(*) AS n FROM payment_queue WHERE status = $1", [status.rawValue]).first!.int64("n"))
    }

    /// Polls `condition` every 250 ms until it holds or `seconds` pass; fails with `message`.
    func wait(_ message: String, seconds: Double = 120, file: StaticString = #filePath, line: UInt = #line,
              until condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTFail("timed out after \(seconds) s waiting for: \(message)", file: file, line: line)
        throw HarnessError("timed out: \(message)")
    }
}
