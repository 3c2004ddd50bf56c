import Foundation

/// A state change, streamed by `watch`.
public struct PaymentEvent: Sendable, Hashable {
    public var paymentID: String
    public var status: PaymentStatus
    public var txHash: String?
    public var error: String?
    public var at: Date

    public init(paymentID: String, status: PaymentStatus, txHash: String?, error: String?, at: Date) {
        self.paymentID = paymentID
        self.status = status
        self.txHash = txHash
        self.error = error
        self.at = at
    }
}
