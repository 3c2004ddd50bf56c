/// What one item of something the daemon sells costs, and how many one payment may buy.
///
/// The daemon holds the price list (DESIGN invariant 8): enqueue refuses an amount that is
/// not `unitPrice × quantity` whoever the caller is, and clients read the same list (`prices`)
/// to build the x402 402 challenge, so the front end and the daemon never disagree on a price.
public struct Price: Sendable, Hashable {
    /// Where the price came from: the daemon's configuration, or the `paymentd_prices` table
    /// that overrides it.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        case configuration
        case database
    }

    /// What is bought: `mint` (items of `token`) or `deploy` (one deployment).
    public var type: PaymentType
    /// The mint contract whose items this is the price of; nil for `deploy`.
    public var token: String?
    /// The EIP-3009 token the price is paid in.
    public var paymentToken: String
    /// Atomic units of `paymentToken` per item, as a decimal string.
    public var unitPrice: String
    /// The most items one payment may buy (always 1 for `deploy`).
    public var maxQuantity: Int
    public var source: Source
    /// Items the mint token can still serve once every unsettled purchase is counted (what
    /// enqueue reserves against, `reserve_supply`); nil when no limit is known. A client stops
    /// offering the product when it is below the quantity asked.
    public var availableItems: Int64?

    public init(type: PaymentType, token: String?, paymentToken: String, unitPrice: String, maxQuantity: Int, source: Source,
                availableItems: Int64? = nil) {
        self.availableItems = availableItems
        self.type = type
        self.token = token
        self.paymentToken = paymentToken
        self.unitPrice = unitPrice
        self.maxQuantity = maxQuantity
        self.source = source
    }
}
