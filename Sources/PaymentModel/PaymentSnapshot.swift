import Foundation
import JSON

/// Everything known about one payment at one moment: what `status` and `list` return.
public struct PaymentSnapshot: Sendable, Hashable {
    public var paymentID: String
    public var type: PaymentType
    public var status: PaymentStatus
    public var payer: String
    public var amount: String
    public var paymentToken: String
    public var token: String?
    /// The transaction that settled (or is settling) the payment.
    public var txHash: String?
    public var error: String?
    public var createdAt: Date
    public var processedAt: Date?
    public var result: JSONValue?
    public var metadata: JSONValue?
    /// The hot wallet that relays it and the nonce it holds there, once assigned.
    public var signer: String?
    public var nonce: Int64?
    /// Every transaction hash broadcast for this payment, oldest first (fee bumps add more).
    public var attempts: [String]
    public var mints: [MintSnapshot]
    /// The block of the settlement (or of the reverted receipt that failed it).
    public var confirmedBlock: Int64?
    /// That block is finality-depth deep: no reorg is expected to change it any more.
    public var finalized: Bool
    /// Its settlement was reorged out and is being restored (it stays `completed`).
    public var restoring: Bool
    /// Why a reorged-out settlement could not be restored (it stays `completed`, flagged).
    public var settlementLost: String?
    /// Paid, with mints that cannot be made and no refund recorded: what the buyer is owed for
    /// them, in the payment token's atomic units (nil: nothing owed, or not known in this view).
    public var refundDue: String?
    /// The transfer that paid the buyer back, and how much it paid (recorded by `refund`).
    public var refundTxHash: String?
    public var refundAmount: String?

    public init(paymentID: String, type: PaymentType, status: PaymentStatus, payer: String, amount: String,
                paymentToken: String, token: String?, txHash: String?, error: String?, createdAt: Date,
                processedAt: Date?, result: JSONValue? = nil, metadata: JSONValue? = nil, signer: String? = nil,
                nonce: Int64? = nil, attempts: [String] = [], mints: [MintSnapshot] = [], confirmedBlock: Int64? = nil,
                finalized: Bool = false, restoring: Bool = false, settlementLost: String? = nil, refundDue: String? = nil,
                refundTxHash: String? = nil, refundAmount: String? = nil) {
        self.refundDue = refundDue
        self.refundTxHash = refundTxHash
        self.refundAmount = refundAmount
        self.paymentID = paymentID
        self.type = type
        self.status = status
        self.payer = payer
        self.amount = amount
        self.paymentToken = paymentToken
        self.token = token
        self.txHash = txHash
        self.error = error
        self.createdAt = createdAt
        self.processedAt = processedAt
        self.result = result
        self.metadata = metadata
        self.signer = signer
        self.nonce = nonce
        self.attempts = attempts
        self.mints = mints
        self.confirmedBlock = confirmedBlock
        self.finalized = finalized
        self.restoring = restoring
        self.settlementLost = settlementLost
    }
}
