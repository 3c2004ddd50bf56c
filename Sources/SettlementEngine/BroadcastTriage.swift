import ChainClient
import Ethereum
import PaymentStore

/// Files a batch of recorded payment transactions by the node's answers, apart from I/O: each
/// answer's `BroadcastVerdict` becomes one store action (sent, queued again, failed, deferred)
/// plus the nonces to give back, the signers to pause, and whether fees were refused as too low.
///
/// `leftovers`: the bytes may already have been accepted earlier (the answer was lost), so a
/// refusal now proves nothing about them: they become `sent` and the confirmer decides from
/// receipts, the mined nonce and expiry. Only fresh transactions are taken back or failed.
struct BroadcastTriage: Sendable {
    var sent: [SignedPaymentTransaction] = []
    var takenBack: [(id: String, reason: String)] = []
    var failed: [(id: String, error: String)] = []
    var deferred: [(id: String, reason: String)] = []
    var released: [(signer: Address, nonce: UInt64)] = []
    var paused: [Address: String] = [:]
    /// Some transaction was refused as underpriced: raise the tip.
    var priceRefused = false
    /// Outcome unknown (a node-side failure): left `processing`, broadcast again later.
    var unknown: [(record: SignedPaymentTransaction, message: String)] = []

    init(_ records: [SignedPaymentTransaction], outcomes: [BroadcastOutcome], leftovers: Bool) {
        for (record, outcome) in zip(records, outcomes) {
            if let rejection = outcome.rejection, rejection == .underpriced || rejection == .feeCapBelowBaseFee { priceRefused = true }
            var verdict = BroadcastVerdict(outcome)
            if leftovers {
                switch verdict {
                case .takeBack, .fail, .retryLater: verdict = .inPool
                case .pauseSigner(let message):
                    paused[record.signer] = "insufficient funds for gas: \(message)"
                    verdict = .inPool
                case .inPool, .unknown: break
                }
            }
            switch verdict {
            case .inPool:
                sent.append(record)
            case .unknown(let message):
                unknown.append((record, message))
            case .takeBack(let message):
                takenBack.append((record.paymentID, "broadcast refused, queued again: \(message)"))
                released.append((record.signer, record.nonce))
            case .pauseSigner(let message):
                takenBack.append((record.paymentID, "signer \(record.signer.checksummed) cannot pay for gas: \(message)"))
                released.append((record.signer, record.nonce))
                paused[record.signer] = "insufficient funds for gas: \(message)"
            case .fail(let message):
                failed.append((record.paymentID, "broadcast refused: \(message)"))
                released.append((record.signer, record.nonce))
            case .retryLater(let message):
                deferred.append((record.paymentID, "broadcast refused: \(message)"))
                released.append((record.signer, record.nonce))
            }
        }
    }
}
