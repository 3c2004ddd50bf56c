import ChainClient
import Foundation
import PaymentModel
import PaymentStore

extension SettlementEngine {
    /// An operator's `cancel`: fails a pending payment only when the chain says it can no
    /// longer settle (issue 16, scenario 3). A reverted attempt or an operator's word does not
    /// stop anyone else from relaying the authorization: cancelling one that can still settle
    /// would let the buyer be charged and never served. So the chain is asked first: a payment
    /// already paid is completed instead (`already_paid`), one whose authorization is unused and
    /// unexpired stays pending (`authorization_still_usable`), and only one expired, spent
    /// elsewhere or cancelled by its payer is failed; while that proof is not final the failure
    /// watch keeps following it.
    public func cancel(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        let id = try Self.uuid(paymentID)
        let found = try await database(.read) { try await requests.next.withConnection { conn in try PaymentQueue.byID(id, on: conn) } }
        guard let row = found else { throw .notFound(paymentID: paymentID) }
        guard row.status == .pending else {
            throw .invalidTransition(paymentID: id, status: row.status, action: "cancelled (only pending payments can be)")
        }
        let why: String
        let final: Bool
        if row.transfer == nil {
            // Nothing can relay a stored authorization that cannot be read.
            (why, final) = ("its stored authorization cannot be relayed: \(row.authorizationProblem ?? "it is missing")", true)
        } else {
            let fate: AuthorizationFate?
            do {
                let current = settings.current
                guard let blocks = try await FinalBlock.read(requestChain, finality: current.finality) else {
                    throw ChainError.malformedResponse(method: "eth_getBlockByNumber", "the node has no head block yet")
                }
                fate = try await AuthorizationFateReader(chain: requestChain, range: logRange).fates(of: [row], at: blocks, settings: current)[id]
            } catch {
                throw .unavailable(code: "rpc_unavailable", message: "Not cancelled: cannot ask the chain whether the payment can still settle: \(error)")
            }
            switch fate {
            case .paid(let pair)?:
                let settlement = ConfirmPlanner.settlement(row, pair: pair, gasUsed: nil)
                try await database(.change) { try await requests.next.withConnection { conn in try PaymentQueue.complete([settlement], on: conn) } }
                events.publish(ids: [id], status: .completed, txHashes: [pair.transactionHash.hex])
                mintWake.signal()
                logger.notice("cancel refused: the payment was paid on chain; completed it", metadata: ["payment_id": "\(id)", "tx_hash": "\(pair.transactionHash.hex)"])
                throw .alreadyPaid(paymentID: id, txHash: pair.transactionHash.hex)
            case .paying(let pair)?:
                // Not yet `confirmations_required` deep: the send loop completes it when it is.
                sendWake.signal()
                throw .alreadyPaid(paymentID: id, txHash: pair.transactionHash.hex)
            case .usable(let validBefore)?:
                throw .authorizationStillUsable(paymentID: id, validBefore: validBefore)
            case .unknown?, nil:
                throw .unavailable(code: "rpc_unavailable",
                                   message: "Not cancelled: the token says the authorization is used, but the node shows no transaction using it yet. Try again in a few seconds.")
            case .ending(let reason)?:
                (why, final) = (reason, false)
            case .ended(let reason)?:
                (why, final) = (reason, true)
            }
        }
        let cancelled = try await database(.change) {
            try await requests.next.withConnection { conn in try PaymentQueue.cancel(id: id, why: why, final: final, on: conn) }
        }
        let snapshot = try await status(paymentID: id)
        guard cancelled else { throw .invalidTransition(paymentID: id, status: snapshot.status, action: "cancelled (only pending payments can be)") }
        logger.notice("payment cancelled by operator", metadata: ["payment_id": "\(id)", "reason": "\(why)"])
        events.publish(ids: [id], status: .failed, errors: [snapshot.error ?? "cancelled by operator"])
        return snapshot
    }
}
