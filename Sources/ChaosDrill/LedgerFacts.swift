import Ethereum

/// What the ledger and the chain say after a drill, read without interpretation: the rows as
/// stored (text as text, so a malformed amount stays visible) and the canonical chain's logs of
/// the two contracts. `LedgerJudge` decides from these alone, so it can be shown violations
/// without a database or a chain.
public struct LedgerFacts: Sendable, Hashable {
    /// One `payment_queue` row as stored; addresses and hashes lowercase.
    public struct Payment: Sendable, Hashable {
        public var id: String
        public var idempotencyKey: String?
        public var status: String
        public var error: String?
        public var payer: String
        public var nonce: String?
        public var amount: String
        public var paymentToken: String
        public var mintToken: String?
        /// `metadata->>'quantity'` and `metadata->>'recipient'`, as text.
        public var quantity: String?
        public var recipient: String?
        public var txHash: String?
        public var settlementLogIndex: Int64?
        public var settlementLost: String?
        /// `reorged_at` is set: the settlement was orphaned and is being (or was) restored.
        public var reorged: Bool
        /// The recorded refund's transaction (the buyer paid back instead of minted).
        public var refundTxHash: String?

        public init(id: String, idempotencyKey: String?, status: String, error: String? = nil, payer: String, nonce: String?,
                    amount: String, paymentToken: String, mintToken: String?, quantity: String?, recipient: String?,
                    txHash: String?, settlementLogIndex: Int64?, settlementLost: String? = nil, reorged: Bool = false,
                    refundTxHash: String? = nil) {
            self.id = id.lowercased()
            self.idempotencyKey = idempotencyKey
            self.status = status
            self.error = error
            self.payer = payer.lowercased()
            self.nonce = nonce?.lowercased()
            self.amount = amount
            self.paymentToken = paymentToken.lowercased()
            self.mintToken = mintToken?.lowercased()
            self.quantity = quantity
            self.recipient = recipient?.lowercased()
            self.txHash = txHash?.lowercased()
            self.settlementLogIndex = settlementLogIndex
            self.settlementLost = settlementLost
            self.reorged = reorged
            self.refundTxHash = refundTxHash?.lowercased()
        }
    }

    /// One log of the canonical chain; hex lowercase.
    public struct Log: Sendable, Hashable {
        public var address: String
        public var topics: [String]
        public var data: String
        public var transactionHash: String
        public var logIndex: UInt64

        public init(address: String, topics: [String], data: String, transactionHash: String, logIndex: UInt64) {
            self.address = address.lowercased()
            self.topics = topics.map { $0.lowercased() }
            self.data = data.lowercased()
            self.transactionHash = transactionHash.lowercased()
            self.logIndex = logIndex
        }
    }

    /// The deployment the drill ran against.
    public var receiver: String
    public var paymentToken: String
    public var mintToken: String
    /// Tokens one minted item gives.
    public var mintAmount: UInt256

    public var payments: [Payment]
    /// Every log of the payment token (its `AuthorizationUsed` and `Transfer`s).
    public var paymentTokenLogs: [Log]
    /// Every `TokensMinted` of the mint token.
    public var mints: [Log]
    /// Balances before and after the drill: the receiver's in the payment token, and each
    /// buyer's in the mint token.
    public var receiverBefore: UInt256
    public var receiverAfter: UInt256
    public var mintBalancesBefore: [String: UInt256]
    public var mintBalancesAfter: [String: UInt256]

    public init(receiver: String, paymentToken: String, mintToken: String, mintAmount: UInt256, payments: [Payment],
                paymentTokenLogs: [Log], mints: [Log], receiverBefore: UInt256, receiverAfter: UInt256,
                mintBalancesBefore: [String: UInt256], mintBalancesAfter: [String: UInt256]) {
        self.receiver = receiver.lowercased()
        self.paymentToken = paymentToken.lowercased()
        self.mintToken = mintToken.lowercased()
        self.mintAmount = mintAmount
        self.payments = payments
        self.paymentTokenLogs = paymentTokenLogs
        self.mints = mints
        self.receiverBefore = receiverBefore
        self.receiverAfter = receiverAfter
        self.mintBalancesBefore = Dictionary(uniqueKeysWithValues: mintBalancesBefore.map { ($0.key.lowercased(), $0.value) })
        self.mintBalancesAfter = Dictionary(uniqueKeysWithValues: mintBalancesAfter.map { ($0.key.lowercased(), $0.value) })
    }
}
