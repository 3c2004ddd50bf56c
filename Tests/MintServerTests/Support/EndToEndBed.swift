import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import TestHarness
import X402
import X402Buyer
import XCTest

/// A real world for mint-server: the devchain (1 s blocks), a database of its own, the real
/// `paymentd` and the real `mint-server` binary in front of it, plus the official x402 Python
/// SDK's venv (`x402-sdk/setup-venv.sh`).
final class EndToEndBed: Sendable {
    static let sharedChain = Result { try Devchain.start(blockMilliseconds: 1000, signers: 4, buyers: 8) }
    static let v1Network = "devchain"

    let chain: Devchain
    let workspace: PaymentdWorkspace
    let daemon: PaymentdProcess
    let client: PaymentdClient

    init() async throws {
        chain = try Self.sharedChain.get()
        // A transaction an earlier test's daemon left in the pool must not land in this test's balances.
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let pool = try chain.control("txpool_status")
            if pool["pending"]?.stringValue == "0x0" && pool["queued"]?.stringValue == "0x0" { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let database = try ThrowawayPostgres.shared().makeDatabase(prefix: "mint")
        workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: database)
        daemon = try PaymentdProcess.start(workspace)
        try await daemon.waitUntilReady()
        client = PaymentdClient(socketPath: workspace.socketPath, requestTimeout: .seconds(60))
        _ = try await client.updateSetting(key: "max_pending_per_payer", value: "1000")
    }

    func shutDown() async {
        await client.close()
        await daemon.terminate()
    }

    /// Starts mint-server on paymentd's socket with `extra` settings.
    func startMintServer(name: String = "mint-server", _ extra: [String: String] = [:]) async throws -> MintServerProcess {
        var settings = ["socket_path": workspace.socketPath, "chain_id": String(chain.chainID), "network": Self.v1Network,
                        "pay_to": chain.receiver, "eip712_name": chain.usdcName, "eip712_version": chain.usdcVersion,
                        "settle_deadline_seconds": "30", "log_level": "info"]
        settings.merge(extra) { $1 }
        return try await MintServerProcess.start(directory: workspace.directory, name: name, settings: settings)
    }

    /// What a buyer first gets from `server`'s mint route for one item: the route, the request
    /// body, the 402 (asserted) and its offers.
    func challenge(_ server: MintServerProcess, file: StaticString = #filePath, line: UInt = #line) async throws
        -> (url: URL, body: [UInt8], answer: HTTPExchange.Answer, offers: [PaymentRequirements]) {
        let url = URL(string: server.baseURL + "/api/mint/\(chain.mintToken)")!
        let body = JSONWriter.bytes(["quantity": 1])
        let answer = try await HTTPExchange().send("POST", url, body: body)
        XCTAssertEqual(answer.status, 402, file: file, line: line)
        let offers = try PaymentChallenge.offers(paymentRequiredHeader: answer.headers["payment-required"], body: answer.body)
        return (url, body, answer, offers.accepts)
    }

    /// A file holding buyer `index`'s key (mode 0600).
    func buyerKeyFile(_ index: Int) throws -> String {
        try workspace.writeSecret(chain.buyers[index].privateKey + "\n", named: "buyer-\(index).key")
    }

    func buyerKey(_ index: Int) throws -> PrivateKey { try PrivateKey(hex: chain.buyers[index].privateKey) }

    // MARK: The Python SDK

    static var sdkDirectory: String { PaymentdWorkspace.repositoryRoot + "/x402-sdk" }

    /// Runs one of the SDK scripts and returns the JSON line it printed.
    func runSDK(_ script: String, _ arguments: [String], timeout: Double = 240) async throws -> JSONValue {
        let python = Self.sdkDirectory + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError("The x402 SDK venv is missing (\(python)); create it: x402-sdk/setup-venv.sh")
        }
        let result = try await BlockingWork.run {
            try ChildProcess.run(python, [Self.sdkDirectory + "/" + script] + arguments, timeoutSeconds: timeout)
        }
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw HarnessError("\(script) failed: \(result)")
        }
        return try StrictJSONParser.parse(String(line))
    }

    // MARK: Chain and daemon

    func mintBalance(_ account: String) throws -> UInt256 {
        let data = USDCCalldata.balanceOf(try Address(hex: account))
        let result = try chain.control("eth_call", [["to": .string(chain.mintToken), "data": .string(Hex.encode(data))], "latest"])
        return try ABI.decodeUInt256(try Hex.decode(result.stringValue ?? ""))
    }

    var tokensPerMint: UInt256 { get throws { try UInt256(parsingDecimal: chain.mintAmount) } }

    /// Waits until `paymentID` is completed and each of its mint jobs is minted.
    func waitUntilMinted(_ paymentID: String, seconds: Double = 180) async throws -> PaymentSnapshot {
        let deadline = Date().addingTimeInterval(seconds)
        var last: PaymentSnapshot?
        while Date() < deadline {
            let snapshot = try await client.status(paymentID: paymentID)
            last = snapshot
            if snapshot.status == .failed || snapshot.status == .confirmationFailed {
                throw HarnessError("payment \(paymentID) failed: \(snapshot.error ?? "")")
            }
            if snapshot.status == .completed, !snapshot.mints.isEmpty, snapshot.mints.allSatisfy({ $0.status == .completed }) { return snapshot }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw HarnessError("payment \(paymentID) was not minted within \(seconds) s: \(String(describing: last))")
    }
}
