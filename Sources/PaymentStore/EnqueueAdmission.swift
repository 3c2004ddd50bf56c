import Ethereum

/// The rules of queueing a payment, applied to a batch queued in one transaction (group
/// commit), in the batch's order, exactly as one insert after another would apply them:
/// a known idempotency key answers with its payment; a known authorization answers
/// `duplicateAuthorization`; a payer with `max_pending_per_payer` unsettled payments (those in
/// the table plus those admitted earlier in the batch) is refused; a purchase its mint token
/// cannot serve (the items left, `available`, less those admitted earlier in the batch) is
/// refused `soldOut`; anything else is inserted.
///
/// "Known" includes what the batch itself admitted earlier: a second request with an earlier
/// one's key or authorization answers with the earlier one's row once it exists. Pure: the
/// store reads the facts under the payers' locks, and tests read the rules without a database.
public enum EnqueueAdmission {
    /// One payment's authorization as the unique index sees it: (payment token, payer, EIP-3009 nonce).
    public struct AuthorizationKey: Hashable, Sendable {
        public var paymentToken: String
        public var payer: String
        public var nonce: String

        public init(_ payment: NewPayment) {
            self.init(paymentToken: payment.paymentToken, payer: payment.payer, nonce: payment.transfer.nonce)
        }

        public init(paymentToken: Address, payer: Address, nonce: Bytes32) {
            self.paymentToken = paymentToken.lowercaseHex
            self.payer = payer.lowercaseHex
            self.nonce = nonce.hex
        }
    }

    public enum Verdict: Hashable, Sendable {
        case existingKey(PaymentRow)
        case duplicateAuthorization(PaymentRow)
        /// The key of the batch's item at this index, which is inserted first.
        case keyOfEarlier(Int)
        /// The authorization of the batch's item at this index, which is inserted first.
        case authorizationOfEarlier(Int)
        case tooManyPending(count: Int)
        case soldOut(remaining: Int64)
        case insert
    }

    /// `byKey`: rows holding the batch's idempotency keys; `byAuthorization`: rows holding its
    /// authorizations; `unsettled`: each payer's (lowercase hex) pending, processing and sent count;
    /// `available`: per mint token (lowercase hex), the items its supply has left after every
    /// unsettled payment's (tokens absent: no limit known).
    public static func decide(_ payments: [NewPayment], byKey: [String: PaymentRow], byAuthorization: [AuthorizationKey: PaymentRow],
                              unsettled: [String: Int], limit: Int, available: [String: Int64] = [:]) -> [Verdict] {
        var available = available
        var admittedKeys: [String: Int] = [:]
        var admittedAuthorizations: [AuthorizationKey: Int] = [:]
        var admittedPerPayer: [String: Int] = [:]
        var verdicts: [Verdict] = []
        for (index, payment) in payments.enumerated() {
            let authorization = AuthorizationKey(payment)
            if let key = payment.idempotencyKey, let row = byKey[key] {
                verdicts.append(.existingKey(row))
            } else if let key = payment.idempotencyKey, let earlier = admittedKeys[key] {
                verdicts.append(.keyOfEarlier(earlier))
            } else if let row = byAuthorization[authorization] {
                verdicts.append(.duplicateAuthorization(row))
            } else if let earlier = admittedAuthorizations[authorization] {
                verdicts.append(.authorizationOfEarlier(earlier))
            } else {
                let count = unsettled[authorization.payer, default: 0] + admittedPerPayer[authorization.payer, default: 0]
                let token = payment.token?.lowercaseHex
                let left = token.flatMap { available[$0] }
                if count >= limit {
                    verdicts.append(.tooManyPending(count: count))
                } else if let left, Int64(payment.quantity) > left {
                    verdicts.append(.soldOut(remaining: max(0, left)))
                } else {
                    if let token, let left { available[token] = left - Int64(payment.quantity) }
                    verdicts.append(.insert)
                    admittedPerPayer[authorization.payer, default: 0] += 1
                    admittedAuthorizations[authorization] = index
                    if let key = payment.idempotencyKey { admittedKeys[key] = index }
                }
            }
        }
        return verdicts
    }
}
