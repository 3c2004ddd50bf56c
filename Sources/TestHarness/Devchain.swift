import Foundation
import JSON
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A devchain node (py-evm, real signatures, nonces, fees and mempool) running as a child
/// process for integration tests.
///
/// Tests of anything that touches the chain run against it, never against a mock. Starting one
/// deploys the contracts and takes a few seconds, so prefer `shared()` (one per test process,
/// on-demand mining: call `mine()`); tests that change a node-wide setting (faults, latency,
/// mining mode) undo it, or start a node of their own. Every node started here is stopped when
/// the test process exits and killed when it crashes (`ExitCleanup`); one killed with SIGKILL
/// leaves none either, because the node is started with `--exit-with-parent`.
public final class Devchain: Sendable {
    /// What the node printed when it became ready.
    public let deployment: DevchainDeployment
    /// The node's process id.
    public let processID: Int32
    /// The node's log (its stderr).
    public var logPath: String { process.logPath }

    private let process: DevchainProcess
    private let directory: String
    private let stopped = Mutex(false)

    public var rpcURL: String { deployment.rpcURL }
    public var chainID: UInt64 { deployment.chainID }
    public var usdc: String { deployment.usdc }
    public var usdcName: String { deployment.usdcName }
    public var usdcVersion: String { deployment.usdcVersion }
    public var mintToken: String { deployment.mintToken }
    public var receiver: String { deployment.receiver }
    public var multicall: String { deployment.multicall }
    public var mintAmount: String { deployment.mintAmount }
    public var deployer: DevchainAccount { deployment.deployer }
    public var minter: DevchainAccount { deployment.minter }
    public var signers: [DevchainAccount] { deployment.signers }
    public var buyers: [DevchainAccount] { deployment.buyers }

    private static let sharedInstance = Result { try Devchain.start(blockMilliseconds: 0) }

    /// The node shared by every test in this process: on-demand mining only, 4 signers, 8 buyers.
    public static func shared() throws -> Devchain {
        try sharedInstance.get()
    }

    /// Starts a node: `python -m devchain serve --port 0 --block-ms N --signers S --buyers B
    /// --exit-with-parent` plus `extraArguments`, from the repository's `devchain/.venv`.
    /// `blockMilliseconds` 0 mines only on request.
    public static func start(blockMilliseconds: Int = 1000, signers: Int = 4, buyers: Int = 8,
                             extraArguments: [String] = [], readyTimeoutSeconds: Double = 60) throws -> Devchain {
        let devchainDirectory = repositoryRoot + "/devchain"
        let python = devchainDirectory + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError("The devchain's Python environment is missing (\(python)). Create it: devchain/setup-venv.sh")
        }
        let directory = try makeTemporaryDirectory(prefix: "paymentd-devchain-")
        let arguments = ["serve", "--port", "0", "--block-ms", String(blockMilliseconds), "--signers", String(signers),
                         "--buyers", String(buyers), "--exit-with-parent"] + extraArguments
        do {
            let (process, line) = try DevchainProcess.launch(
                python: python, devchainDirectory: devchainDirectory, arguments: arguments,
                logPath: directory + "/devchain.log", readyTimeoutSeconds: readyTimeoutSeconds)
            let deployment: DevchainDeployment
            do {
                deployment = try DevchainDeployment(jsonLine: line)
            } catch {
                process.terminate()
                throw error
            }
            let chain = Devchain(deployment: deployment, process: process, directory: directory)
            ExitCleanup.shared.atExit { chain.stop() }
            return chain
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    private init(deployment: DevchainDeployment, process: DevchainProcess, directory: String) {
        self.deployment = deployment
        self.process = process
        self.processID = process.pid
        self.directory = directory
    }

    /// Stops the node (SIGTERM, then SIGKILL after 10 s) and deletes its log. Idempotent.
    public func stop() {
        guard stopped.withLock({ wasStopped in defer { wasStopped = true }; return !wasStopped }) else { return }
        process.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Calls any JSON-RPC method synchronously and returns its result: meant for the control
    /// methods (`evm_mine`, `devchain_failNextRequests`, `devchain_setLatency`, `anvil_*`), which
    /// the node never fails or delays. A JSON-RPC error throws `HarnessError` with the node's
    /// message.
    @discardableResult
    public func control(_ method: String, _ params: [JSONValue] = []) throws -> JSONValue {
        let request: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": .array(params)]
        let response = try DevchainHTTP.post(port: deployment.port, body: JSONWriter.bytes(request))
        let answer: JSONValue
        do {
            answer = try StrictJSONParser.parse(response.body)
        } catch {
            throw HarnessError("devchain \(method): HTTP \(response.status), not JSON: \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        if let error = answer["error"], !error.isNull {
            throw HarnessError("devchain \(method) failed: \(error["message"]?.stringValue ?? "\(error)")")
        }
        return answer["result"] ?? .null
    }

    /// Mines `blocks` blocks now (including whatever the pool holds that fits).
    public func mine(blocks: Int = 1) throws {
        if blocks == 1 {
            try control("evm_mine")
        } else {
            try control("anvil_mine", [.int(Int64(blocks))])
        }
    }

    /// Turns off every injected fault: failing requests, latency and the minimum tip.
    public func resetFaults() throws {
        try control("devchain_failNextRequests", [0])
        try control("devchain_setLatency", [0])
        try control("devchain_setMinPriorityFee", [0])
        try control("devchain_setMaxLogRange", [0])
        try control("devchain_setOmitRevertData", [false])
    }

    /// The end of the node's log, for failure messages.
    public func logTail(bytes: Int = 3_000) -> String {
        process.logTail(bytes: bytes)
    }

    /// The repository root: this file is `<root>/Sources/TestHarness/Devchain.swift`.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    private static func makeTemporaryDirectory(prefix: String) throws -> String {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw HarnessError("mkdtemp failed in \(base): \(String(cString: strerror(errno)))") }
        return String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }
}
