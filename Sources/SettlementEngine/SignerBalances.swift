import ChainClient
import Ethereum
import Foundation
import PaymentModel

/// The signers' ETH balances and what one transaction costs now, for `stats` (and through it
/// paymentd-health's "balance below N transactions" check): one batched `eth_getBalance` and
/// one fee suggestion, read at most every `maximumAge`, so `stats` stays a database read.
///
/// The first `stats` waits for the first read; later ones answer with the last reading (or
/// none) at once and refresh it in the background, one read at a time, when it is old or
/// missing. When reads keep failing, the last reading is dropped after four times its
/// lifetime: balances are then unreported (null) rather than old.
actor SignerBalances {
    struct Reading: Sendable {
        var balances: [Address: UInt256]
        var transactionCost: UInt256
        var at: ContinuousClock.Instant
    }

    static let maximumAge = Duration.seconds(15)
    private var last: Reading?
    private var refreshing = false
    /// Only the very first `stats` waits for a reading: while the node is down, later calls must
    /// not each wait out an RPC timeout.
    private var attempted = false

    /// `signers` with `balanceWei` and `transactionCostWei` filled where a reading has them.
    func fill(_ signers: [SignerState], chain: EthereumRPC, settings: EngineSettings) async -> [SignerState] {
        let addresses = signers.compactMap { try? Address(hex: $0.address) }
        let due = last.map { ContinuousClock.now - $0.at > Self.maximumAge } ?? true
        if due && !refreshing {
            refreshing = true
            if attempted {
                Task { await self.refresh(addresses, chain: chain, settings: settings) }
            } else {
                attempted = true
                await refresh(addresses, chain: chain, settings: settings)
            }
        }
        guard let reading = last else { return signers }
        return signers.map { signer in
            var filled = signer
            if let address = try? Address(hex: signer.address), let balance = reading.balances[address] {
                filled.balanceWei = balance.description
                filled.transactionCostWei = reading.transactionCost.description
            }
            return filled
        }
    }

    private func refresh(_ addresses: [Address], chain: EthereumRPC, settings: EngineSettings) async {
        defer { refreshing = false }
        do {
            let balances = try await chain.balances(addresses)
            let fees = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: settings.priorityFeeWei, blocks: 5))
            let perGas = min(fees.maxFeePerGas, settings.maxFeePerGasWei)
            last = Reading(balances: Dictionary(zip(addresses, balances), uniquingKeysWith: { first, _ in first }),
                           transactionCost: perGas * UInt256(settings.transferGasLimit), at: .now)
        } catch {
            // Unreported rather than stale: paymentd-health says so instead of trusting an old figure.
            if let reading = last, ContinuousClock.now - reading.at > Self.maximumAge * 4 { last = nil }
        }
    }
}
