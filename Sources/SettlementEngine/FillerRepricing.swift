import ChainClient
import Ethereum
import Foundation
import Logging
import PaymentStore
import Postgres

/// Keeps fillers minable. A filler holds a nonce nothing else holds, so one priced out (a
/// base-fee rise, a node's minimum tip) stalls every later transaction of its signer: before
/// (found by reading, issue 16) fillers kept their first fees forever and were broadcast again
/// at that price. A filler still unmined `fee_bump_after_seconds` after its signing is signed
/// again at its nonce by `FeeBump`'s rule and recorded in place of the old bytes before it is
/// broadcast; whichever of the two mines fills the nonce (both are zero-value transfers from
/// the signer to itself).
struct FillerRepricing: Sendable {
    let database: PostgresSession
    let chain: EthereumRPC
    let logger: Logger

    /// The fillers of `fillers` due a raise at `now`: unmined (the caller passes only those)
    /// and signed `afterSeconds` ago or longer.
    static func due(_ fillers: [NonceFiller], now: Date, afterSeconds: Double) -> [NonceFiller] {
        fillers.filter { now.timeIntervalSince($0.signedAt) >= afterSeconds }
    }

    /// The bytes to broadcast for `fillers` (all `key`'s, unmined): the re-signed ones where a
    /// raise was due and is recorded, the recorded ones otherwise (a raise past
    /// `max_fee_per_gas_wei`, a record replaced meanwhile by another writer, undecodable bytes).
    func bytes(for fillers: [NonceFiller], key: PrivateKey, settings: EngineSettings, minimumTip: UInt256) async throws -> [[UInt8]] {
        let due = Set(Self.due(fillers, now: Date(), afterSeconds: Double(settings.feeBumpAfterSeconds)).map(\.nonce))
        guard !due.isEmpty else { return fillers.map(\.rawTx) }
        let suggestion = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: minimumTip, blocks: 5))
        var bytes: [[UInt8]] = []
        for filler in fillers {
            guard due.contains(filler.nonce) else {
                bytes.append(filler.rawTx)
                continue
            }
            guard let previous = try? SignedTransaction.decode(raw: filler.rawTx).transaction else {
                logger.error("a filler's stored transaction cannot be decoded; not raising its fees",
                             metadata: ["signer": "\(filler.signer.checksummed)", "nonce": "\(filler.nonce)"])
                bytes.append(filler.rawTx)
                continue
            }
            guard let raised = FeeBump.raised(previous, suggestion: suggestion, ceiling: settings.maxFeePerGasWei) else {
                logger.warning("cannot raise a filler's fees further: max_fee_per_gas_wei reached", metadata: [
                    "signer": "\(filler.signer.checksummed)", "nonce": "\(filler.nonce)", "ceiling": "\(settings.maxFeePerGasWei)"])
                bytes.append(filler.rawTx)
                continue
            }
            let signed = raised.sign(with: key)
            let replacement = NonceFiller(signer: filler.signer, nonce: filler.nonce, rawTx: signed.raw, txHash: signed.hash)
            let replaced = try await database.withConnection { conn in try NonceFillers.replace(replacement, previous: filler.txHash, on: conn) }
            if replaced {
                logger.notice("fees raised on a waiting filler", metadata: [
                    "signer": "\(filler.signer.checksummed)", "nonce": "\(filler.nonce)", "tx_hash": "\(signed.hash.hex)",
                    "tip": "\(raised.maxPriorityFeePerGas)"])
                bytes.append(signed.raw)
            } else {
                // Replaced meanwhile: the newest record is broadcast next time round.
                bytes.append(filler.rawTx)
            }
        }
        return bytes
    }
}
