import Foundation
import JSON
import PaymentModel
import TestHarness
import X402

/// The peer users would pick instead of paymentd: the official x402 Python SDK's own
/// facilitator (`x402FacilitatorSync` with the exact-EVM scheme and its `FacilitatorWeb3Signer`)
/// verifying and settling the same kind of payments on a fresh devchain of the same pace,
/// through `x402-sdk/facilitator_peer.py`.
///
/// The same buyers' authorizations paymentd relays, as x402 version 2 payloads; one facilitator
/// key, shared by every thread, as a user's server would run it. Signing is the buyers' work
/// and is done before the clock starts, as in paymentd's runs.
struct PeerFacilitator: Sendable {
    let threads: Int
    let payments: Int

    func run(options: BenchOptions, log: @Sendable (String) -> Void) async throws -> PeerResult {
        let python = PaymentdWorkspace.repositoryRoot + "/x402-sdk/.venv/bin/python"
        let script = PaymentdWorkspace.repositoryRoot + "/x402-sdk/facilitator_peer.py"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError("the x402 SDK venv is missing (\(python)); create it: x402-sdk/setup-venv.sh")
        }
        log("peer: starting the devchain; signing \(payments) payments for the x402 SDK's facilitator (\(threads) thread\(threads == 1 ? "" : "s"))")
        let chain = try Devchain.start(blockMilliseconds: options.blockMilliseconds, signers: 1, buyers: options.buyers,
                                       extraArguments: ["--log-level", "WARNING"])
        defer { chain.stop() }
        let workload = try PaymentWorkload(chain: chain, count: payments, tag: "peer")
        let requirements = PaymentRequirements(network: "eip155:\(chain.chainID)", amount: String(PaymentdWorkspace.unitPrice),
                                               asset: chain.usdc, payTo: chain.receiver, maxTimeoutSeconds: 7200,
                                               domainName: chain.usdcName, domainVersion: chain.usdcVersion)
        let payloads = workload.requests.map { request in
            PaymentPayload(x402Version: 2, scheme: "exact", network: requirements.network, accepted: requirements,
                           authorization: request.authorization).wire
        }
        let input: JSONValue = [
            "rpc_url": .string(chain.rpcURL), "chain_id": .int(Int64(chain.chainID)),
            "facilitator_private_key": .string(chain.signers[0].privateKey),
            "requirements": requirements.wire(version: 2), "payloads": .array(payloads),
        ]
        let inputPath = FileManager.default.temporaryDirectory.path + "/paymentd-bench-peer-\(UUID().uuidString).json"
        guard FileManager.default.createFile(atPath: inputPath, contents: Data(JSONWriter.string(input).utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw HarnessError("cannot write \(inputPath)")
        }
        defer { unlink(inputPath) }
        let cpuBefore = ProcessCPU.seconds(chain.processID) ?? 0
        let timeout = options.runTimeoutSeconds
        let result = try await BlockingWork.run {
            try ChildProcess.run(python, [script, "--input", inputPath, "--threads", String(threads)], timeoutSeconds: timeout)
        }
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw HarnessError("the x402 SDK's facilitator run failed: \(result)")
        }
        var peer = try PeerResult(json: try StrictJSONParser.parse(String(line)))
        peer.devchainCPUSeconds = (ProcessCPU.seconds(chain.processID) ?? 0) - cpuBefore
        log("peer: \(peer.settled)/\(peer.total) settled in \(String(format: "%.1f", peer.seconds)) s: \(Int(peer.perMinute))/min"
            + (peer.failures.isEmpty ? "" : "; failures " + peer.failures.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        return peer
    }
}
