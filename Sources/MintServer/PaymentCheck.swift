import X402

/// Checks a payment sent to a resource route against what the route offered, before anything
/// reaches paymentd: the scheme, the network, for version 2 the echoed `accepted` (it must ask
/// exactly what we offered), the receiver and the value. What needs the chain or the signature
/// (valid signer, unused nonce, expiry margin) is paymentd's enqueue.
public struct PaymentCheck: Sendable {
    public let network: X402Network

    public init(network: X402Network) {
        self.network = network
    }

    /// Nil when the payment is for exactly what `offered` (the version 2 requirements) asks.
    public func rejection(of payment: PaymentPayload, offered: PaymentRequirements) -> X402Rejection? {
        guard payment.scheme == "exact" else {
            return X402Rejection(.invalidScheme, "Only the exact scheme is accepted; the payment uses \(payment.scheme).")
        }
        guard network.isNamed(payment.network) else {
            return X402Rejection(.networkMismatch, "The payment is on \(payment.network); this server is paid on \(network.caip2) (\(network.v1Name)).")
        }
        if let accepted = payment.accepted, !accepted.asksTheSame(as: offered) {
            if accepted.amount != offered.amount {
                return X402Rejection(.authorizationValue,
                                     "The payment accepts an amount of \(accepted.amount), but this purchase costs \(offered.amount).")
            }
            return X402Rejection(.requirementsMismatch,
                                 "The payment's accepted requirements are not the ones offered (asset \(offered.asset), payTo \(offered.payTo), "
                                    + "maxTimeoutSeconds \(offered.maxTimeoutSeconds), extra name \(offered.domainName ?? "") version \(offered.domainVersion ?? "")).")
        }
        guard payment.authorization.to.lowercased() == offered.payTo.lowercased() else {
            return X402Rejection(.recipientMismatch, "The authorization pays \(payment.authorization.to), not the receiver \(offered.payTo).")
        }
        guard payment.authorization.value == offered.amount else {
            return X402Rejection(.authorizationValue,
                                 "The authorization's value is \(payment.authorization.value), but this purchase costs \(offered.amount).")
        }
        return nil
    }
}
