import ChainClient
import Ethereum
import Foundation
import TestHarness
import X402Buyer

/// The devchain's own limit for the transactions paymentd sends, measured without paymentd:
/// transferWithAuthorization transactions signed beforehand by the relayer wallets (buyers'
/// authorizations, one item's price each) and pushed straight to the node in JSON-RPC batches
/// over four connections, timed from the first send until the last is mined.
///
/// It is the physical limit every throughput figure is divided by: a daemon that relays the
/// same transactions cannot complete them faster than the node mines them. (paymentd's runs
/// also mint on the same chain, which this leaves out: the ratio is, if anything, generous to
/// the chain.)
struct ChainCeiling: Sendable {
    let transactions: Int
    let signers: Int

    func run(options: BenchOptions, log: @Sendable (String) -> Void) async throws -> CeilingResult {
        log("ceiling: starting the devchain; signing \(transactions) transferWithAuthorization transactions")
        let chain = try Devchain.start(blockMilliseconds: options.blockMilliseconds, signers: signers, buyers: options.buyers,
                                       extraArguments: ["--log-level", "WARNING"])
        defer { chain.stop() }
        let rpc = EthereumRPC(url: chain.rpcURL, timeoutMilliseconds: 120_000, connections: 4, maxBatchSize: 100, name: "ceiling")
        let relayers = try chain.signers.prefix(signers).map { try PrivateKey(hex: $0.privateKey) }
        let starting = try await rpc.transactionCounts(relayers.map { ($0.address, BlockTag.pending) })
        let signed = try sign(chain, relayers: relayers, firstNonces: starting)
        let targets = zip(starting, relayers.indices).map { first, lane in first + UInt64(signed.indices.filter { $0 % relayers.count == lane }.count) }

        let headBefore = try PaymentRun.head(chain)
        let cpuBefore = ProcessCPU.seconds(chain.processID) ?? 0
        let clock = ContinuousClock()
        let start = clock.now
        let chunks = stride(from: 0, to: signed.count, by: 400).map { Array(signed[$0..<min($0 + 400, signed.count)]) }
        var refused = 0
        var firstRefusal: String?
        for chunk in chunks {
            for outcome in try await rpc.sendRawTransactions(chunk.map(\.raw)) {
                if case .accepted = outcome { continue }
                refused += 1
                firstRefusal = firstRefusal ?? "\(outcome)"
            }
        }
        let sentSeconds = EnqueueDriver.seconds(clock.now - start)
        log("ceiling: \(signed.count - refused) sent in \(String(format: "%.1f", sentSeconds)) s; waiting until mined")
        var lastReport = clock.now
        while true {
            let mined = try await rpc.transactionCounts(relayers.map { ($0.address, BlockTag.latest) })
            if zip(mined, targets).allSatisfy({ $0 >= $1 }) { break }
            if clock.now - start > .seconds(options.runTimeoutSeconds) {
                throw HarnessError("ceiling: not mined within \(Int(options.runTimeoutSeconds)) s")
            }
            if clock.now - lastReport > .seconds(5) {
                let done = zip(mined, starting).reduce(0) { $0 + Int($1.0 - $1.1) }
                log("ceiling: [\(String(format: "%6.1f", EnqueueDriver.seconds(clock.now - start))) s] \(done)/\(signed.count) mined")
                lastReport = clock.now
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let seconds = EnqueueDriver.seconds(clock.now - start)
        let cpu = (ProcessCPU.seconds(chain.processID) ?? 0) - cpuBefore
        let headAfter = try PaymentRun.head(chain)
        let counts = try await blockTransactionCounts(rpc, from: headBefore + 1, to: headAfter)
        let used = counts.filter { $0 > 0 }
        let receipts = try await rpc.receipts(Array(signed.suffix(relayers.count)).map(\.hash))
        let reverted = receipts.filter { $0?.succeeded == false }.count
        let result = CeilingResult(
            transactions: signed.count, refused: refused, firstRefusal: firstRefusal, reverted: reverted, seconds: seconds,
            sendSeconds: sentSeconds, blocks: counts.count, blocksWithTransactions: used.count,
            meanPerBlock: used.isEmpty ? 0 : Double(used.reduce(0, +)) / Double(used.count), maxPerBlock: used.max() ?? 0,
            gasPerTransaction: receipts.compactMap { $0?.gasUsed }.first ?? 0, devchainCPUSeconds: cpu,
            blockMilliseconds: options.blockMilliseconds)
        log("ceiling: \(signed.count) mined in \(String(format: "%.1f", seconds)) s: \(Int(result.perMinute)) transactions/min, "
            + "\(String(format: "%.0f", result.meanPerBlock)) per block (max \(result.maxPerBlock))")
        return result
    }

    /// One transaction per buyer authorization, relayers in turn, each relayer's nonces in order.
    private func sign(_ chain: Devchain, relayers: [PrivateKey], firstNonces: [UInt64]) throws -> [SignedTransaction] {
        let usdc = try Address(hex: chain.usdc)
        let receiver = try Address(hex: chain.receiver)
        let domain = EIP712Domain(name: chain.usdcName, version: chain.usdcVersion, chainId: chain.chainID, verifyingContract: usdc)
        let buyers = try chain.buyers.map { try PrivateKey(hex: $0.privateKey) }
        let now = UInt64(Date().timeIntervalSince1970)
        var nonces = firstNonces
        return (0..<transactions).map { index in
            let buyer = buyers[index % buyers.count]
            let transfer = TransferWithAuthorization(from: buyer.address, to: receiver, value: UInt256(PaymentdWorkspace.unitPrice),
                                                     validAfter: UInt256(now - 600), validBefore: UInt256(now + 7200),
                                                     nonce: AuthorizationSigner.randomNonce())
            let calldata = USDCCalldata.transferWithAuthorization(transfer, signature: buyer.sign(digest: transfer.digest(domain: domain)))
            let lane = index % relayers.count
            defer { nonces[lane] += 1 }
            return EIP1559Transaction(chainId: chain.chainID, nonce: nonces[lane], maxPriorityFeePerGas: UInt256(1_000_000_000),
                                      maxFeePerGas: UInt256(200_000_000_000), gasLimit: 150_000, to: usdc, data: calldata)
                .sign(with: relayers[lane])
        }
    }

    /// Transactions in each block from `first` to `last`, in one batch.
    private func blockTransactionCounts(_ rpc: EthereumRPC, from first: Int64, to last: Int64) async throws -> [Int] {
        guard last >= first else { return [] }
        let headers = try await rpc.blocks((first...last).map { BlockTag.number(UInt64($0)) })
        return headers.map { $0?.transactionHashes.count ?? 0 }
    }
}
