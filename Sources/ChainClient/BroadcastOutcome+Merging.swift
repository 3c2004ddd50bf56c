extension BroadcastOutcome {
    /// The answers of several endpoints to one broadcast, merged into the one outcome the
    /// engine reacts to (`BroadcastVerdict`). A transaction one node holds is in the pool, so
    /// the answer that says the most about the transaction being kept wins: accepted, then
    /// already known, then "its nonce is taken" (nonce too low, replacement underpriced), then
    /// indeterminate (a node failed or gave no answer: it may hold the transaction), and only
    /// then a refusal, the mildest first (fees and gaps, which pass; the signer's funds; a
    /// refusal nobody classified; a transaction that is wrong). A refusal therefore counts only when no endpoint that was
    /// asked may have kept the transaction. Nil for no answers.
    public static func merged(_ answers: [BroadcastOutcome]) -> BroadcastOutcome? {
        answers.enumerated().min { ($0.element.mergeRank, $0.offset) < ($1.element.mergeRank, $1.offset) }?.element
    }

    /// What an endpoint that gave no answer to a broadcast contributes to the merge: it may
    /// hold the transaction, exactly like a node that reported its own failure.
    public static func noAnswer(from endpoint: String, _ error: ChainError) -> BroadcastOutcome {
        .indeterminate(RPCErrorObject(code: -32603, message: "no answer from \(endpoint): \(error.description)"))
    }

    /// Lower wins (see `merged`).
    var mergeRank: Int {
        switch self {
        case .accepted: 0
        case .rejected(.alreadyKnown, _): 1
        case .rejected(.nonceTooLow, _), .rejected(.replacementUnderpriced, _): 2
        case .indeterminate: 3
        case .rejected(.underpriced, _), .rejected(.feeCapBelowBaseFee, _), .rejected(.tipAboveFeeCap, _), .rejected(.nonceTooHigh, _): 4
        case .rejected(.insufficientFunds, _): 5
        case .rejected(.other, _): 6
        case .rejected(.gasLimitExceeded, _), .rejected(.intrinsicGasTooLow, _), .rejected(.invalidSender, _): 7
        }
    }
}
