/// An operator's price for one product, replacing the configured one (`prices set`): stored in
/// `paymentd_prices`, so it holds across restarts and reaches every instance.
public struct PriceOverride: Sendable, Hashable {
    /// A mint token's address, or `deploy`.
    public var product: String
    /// The EIP-3009 token the price is paid in.
    public var paymentToken: String
    /// Atomic units per item, as a decimal string.
    public var unitPrice: String
    /// The most items one payment may buy.
    public var maxQuantity: Int

    public init(product: String, paymentToken: String, unitPrice: String, maxQuantity: Int) {
        self.product = product
        self.paymentToken = paymentToken
        self.unitPrice = unitPrice
        self.maxQuantity = maxQuantity
    }
}
