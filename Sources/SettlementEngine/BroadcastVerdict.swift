import ChainClient

/// What the engine does with one transaction after the node answered its broadcast. Shared by
/// the payment and mint senders: the same answer means the same thing for both.
enum BroadcastVerdict: Sendable, Equatable {
    /// The node has it (accepted now, or already known). `nonce too low` and `replacement
    /// underpriced` also land here: the nonce is taken by a transaction that may be ours; the
    /// confirmer settles which from receipts and the mined nonce.
    case inPool
    /// Nothing is known (a node-side failure): keep the signed bytes and broadcast them again.
    case unknown(String)
    /// Not in the pool for a reason that may pass (fees moved, node refuses gaps): release the
    /// nonce and queue the work again.
    case takeBack(String)
    /// The signer cannot pay for gas: release the nonce, queue the work again, pause the signer.
    case pauseSigner(String)
    /// The transaction itself is wrong: release the nonce and fail the work.
    case fail(String)
    /// A refusal naming no fault the engine knows: release the nonce and try the work again
    /// after a backoff (a payment until its authorization expires), rather than fail it on a
    /// sentence nobody classified.
    case retryLater(String)

    init(_ outcome: BroadcastOutcome) {
        switch outcome {
        case .accepted:
            self = .inPool
        case .indeterminate(let error):
            self = .unknown(error.message)
        case .rejected(let rejection, let error):
            switch rejection {
            case .alreadyKnown, .nonceTooLow, .replacementUnderpriced:
                self = .inPool
            case .insufficientFunds:
                self = .pauseSigner(error.message)
            case .underpriced, .feeCapBelowBaseFee, .tipAboveFeeCap, .nonceTooHigh:
                self = .takeBack(error.message)
            case .gasLimitExceeded, .intrinsicGasTooLow, .invalidSender:
                self = .fail(error.message)
            case .other:
                self = .retryLater(error.message)
            }
        }
    }
}
