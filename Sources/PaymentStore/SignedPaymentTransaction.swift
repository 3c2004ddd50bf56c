import Ethereum

/// A transaction signed for a payment, to be recorded before it is broadcast (DESIGN
/// invariant 2).
public struct SignedPaymentTransaction: Sendable, Hashable {
    public var paymentID: String
    public var signer: Address
    public var nonce: UInt64
    public var rawTx: [UInt8]
    public var attempt: TransactionAttempt

    public init(paymentID: String, signer: Address, nonce: UInt64, rawTx: [UInt8], attempt: TransactionAttempt) {
        self.paymentID = paymentID
        self.signer = signer
        self.nonce = nonce
        self.rawTx = rawTx
        self.attempt = attempt
    }
}
