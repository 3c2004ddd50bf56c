import ChainClient
import Ethereum
import Foundation
import PaymentModel
import PaymentStore

extension SettlementEngine {
    /// An operator's `refund`: records a transfer back to the payer as the refund of a paid
    /// payment whose mints cannot be made (issue 16, scenario 7: a charged buyer ends minted or
    /// refunded). The transaction is checked on chain first (`RefundProof`): mined, successful,
    /// `confirmations_required` deep, paying the payer at least what is owed in the payment
    /// token. A recorded refund closes the payment's failed mints: `retry_mint` refuses them,
    /// so the buyer is never both refunded and minted.
    public func recordRefund(paymentID: String, txHash: String) async throws(PaymentError) -> PaymentSnapshot {
        let id = try Self.uuid(paymentID)
        let hash: Bytes32
        do { hash = try Bytes32(hex: txHash) } catch { throw .invalidRequest(field: "tx_hash", reason: "must be a 0x-prefixed 32-byte transaction hash") }
        let snapshot = try await status(paymentID: id)
        if let recorded = snapshot.refundTxHash {
            throw .refundNotDue(paymentID: id, why: "its refund is already recorded (transaction \(recorded))")
        }
        guard snapshot.status == .completed, snapshot.settlementLost == nil, !snapshot.restoring else {
            let state = snapshot.settlementLost.map { "its settlement was lost (\($0))" }
                ?? (snapshot.restoring ? "its settlement is being restored after a reorg" : "it is \(snapshot.status.rawValue), not paid")
            throw .refundNotDue(paymentID: id, why: "the buyer was not charged: \(state)")
        }
        guard let dueText = snapshot.refundDue, let due = UInt256(decimal: dueText) else {
            throw .refundNotDue(paymentID: id, why: "none of its mints failed (they are made or being made)")
        }
        let taken = try await database(.read) { try await requests.next.withConnection { conn in try PaymentQueue.paymentRefunded(by: hash, on: conn) } }
        if let taken { throw .refundUnproven(txHash: hash.hex, why: "it is already recorded as the refund of payment \(taken)") }
        let payer: Address
        let token: Address
        do {
            payer = try Address(hex: snapshot.payer)
            token = try Address(hex: snapshot.paymentToken)
        } catch {
            throw .refundNotDue(paymentID: id, why: "its payer or payment token cannot be read (\(error.description))")
        }
        let verdict: RefundProof.Verdict
        do {
            async let receipt = requestChain.receipt(hash)
            async let head = requestChain.blockNumber()
            verdict = RefundProof.judge(try await receipt, head: try await head, confirmationsRequired: settings.current.confirmationsRequired,
                                        paymentToken: token, payer: payer, due: due)
        } catch {
            throw .unavailable(code: "rpc_unavailable", message: "The refund was not recorded: cannot read transaction \(hash.hex) from the chain: \(error)")
        }
        let amount: UInt256
        switch verdict {
        case .proven(let paid): amount = paid
        case .unproven(let why): throw .refundUnproven(txHash: hash.hex, why: why)
        }
        let outcome = try await database(.change) {
            try await requests.next.withConnection { conn in try PaymentQueue.recordRefund(id: id, txHash: hash, amount: amount, on: conn) }
        }
        switch outcome {
        case .recorded:
            logger.notice("refund recorded by operator", metadata: ["payment_id": "\(id)", "tx_hash": "\(hash.hex)", "amount": "\(amount)", "owed": "\(due)"])
            return try await status(paymentID: id)
        case .notDue:
            throw .refundNotDue(paymentID: id, why: "it changed meanwhile (a refund was recorded or its mints were requeued); look at its status")
        case .transactionTaken(let other):
            throw .refundUnproven(txHash: hash.hex, why: "it is already recorded as the refund of payment \(other)")
        }
    }
}
