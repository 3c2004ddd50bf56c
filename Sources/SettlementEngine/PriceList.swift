import Ethereum
import PaymentModel

/// The daemon's price list (DESIGN invariant 8, issue 8 item 6): for each product, the token it
/// is paid in, the price of one item and the most items one payment may buy.
///
/// Enqueue refuses an amount that is not `unit price × quantity` whoever the caller is, so a
/// socket client (or a buggy front end) cannot buy 100 items for 1 atomic unit. The list comes
/// from configuration (`prices`, one price per mint token, and optionally one for `deploy`);
/// rows of `paymentd_prices` replace the configured price of their product. A list is
/// validated as a whole: it is used entirely or not at all.
public struct PriceList: Sendable, Equatable {
    /// Most items one payment may buy, whatever is configured: `MintPlan` creates one job per
    /// item and never more than this many.
    public static let mostItemsPerPayment = 1000

    /// The prices, in configuration order.
    public private(set) var entries: [ProductPrice]

    /// The configured list. Every mint token has exactly one price, every price is for a mint
    /// token (or `deploy`), in an accepted payment token, and allows at most `maxQuantity`
    /// items (1 for `deploy`).
    public init(configured: [ProductPrice], mintTokens: [Address], paymentTokens: [Address], maxQuantity: Int) throws(PriceListError) {
        try Self.validate(configured, paymentTokens: paymentTokens, maxQuantity: maxQuantity)
        for entry in configured {
            if case .mint(let token) = entry.product, !mintTokens.contains(token) {
                throw PriceListError("prices names \(token.checksummed), which is not in mint_tokens: add it there or remove its price")
            }
        }
        let priced = Set(configured.map(\.product))
        if let unpriced = mintTokens.first(where: { !priced.contains(.mint($0)) }) {
            throw PriceListError("mint token \(unpriced.checksummed) has no price: add <token>:<payment token>:<unit price>:<max quantity> to prices")
        }
        entries = configured
    }

    /// No prices: every enqueue is refused.
    public init() {
        entries = []
    }

    /// This list with the rows of `paymentd_prices` applied: each row replaces the price of a
    /// product this list has. A row for anything else, or an invalid row, makes the whole
    /// override unusable: the table changes prices, it does not add products.
    public func overridden(by rows: [ProductPrice], paymentTokens: [Address], maxQuantity: Int) throws(PriceListError) -> PriceList {
        try Self.validate(rows, paymentTokens: paymentTokens, maxQuantity: maxQuantity)
        var result = self
        for row in rows {
            guard let index = result.entries.firstIndex(where: { $0.product == row.product }) else {
                throw PriceListError("paymentd_prices has a row for \(row.product), which has no configured price: "
                                     + "configure it (mint_tokens and prices) or delete the row")
            }
            result.entries[index] = row
        }
        return result
    }

    /// The price of `product`, if it is sold here.
    public func price(of product: Product) -> ProductPrice? {
        entries.first { $0.product == product }
    }

    /// Enqueue's price check: the product is sold, in `paymentToken`, `quantity` is within its
    /// range, and `amount` is exactly `unit price × quantity`.
    func check(_ product: Product, paymentToken: Address, quantity: Int64, amount: UInt256) throws(PaymentError) {
        let price = try sold(product)
        guard (1...Int64(price.maxQuantity)).contains(quantity) else {
            throw .quantityOutOfRange(quantity: quantity, maximum: price.maxQuantity, product: product.description)
        }
        let expected = price.amount(quantity: quantity)
        guard paymentToken == price.paymentToken, let expected, amount == expected else {
            throw .priceMismatch(amount: amount.description, expectedAmount: expected?.description ?? "more than 2^256",
                                 paymentToken: price.paymentToken.checksummed, unitPrice: price.unitPrice.description, quantity: quantity)
        }
    }

    /// The price of `product`, or the refusal for something not sold here: `token_not_allowed`
    /// for a mint token without a price, `payment_type_not_allowed` for `deploy` without one.
    func sold(_ product: Product) throws(PaymentError) -> ProductPrice {
        guard let price = price(of: product) else {
            switch product {
            case .mint(let token): throw .tokenNotAllowed(token.checksummed)
            case .deploy: throw .paymentTypeNotAllowed(.deploy)
            }
        }
        return price
    }

    /// The list as clients read it.
    public var prices: [Price] { entries.map(\.price) }

    private static func validate(_ entries: [ProductPrice], paymentTokens: [Address], maxQuantity: Int) throws(PriceListError) {
        var seen = Set<Product>()
        let ceiling = min(maxQuantity, mostItemsPerPayment)
        for entry in entries {
            guard seen.insert(entry.product).inserted else { throw PriceListError("\(entry.product) has two prices; give it one") }
            guard paymentTokens.contains(entry.paymentToken) else {
                throw PriceListError("the price of \(entry.product) is in \(entry.paymentToken.checksummed), which is not in payment_tokens")
            }
            if entry.product == .deploy {
                guard entry.maxQuantity == 1 else { throw PriceListError("the deploy price must allow exactly 1 item per payment, not \(entry.maxQuantity)") }
            } else if entry.maxQuantity > ceiling {
                throw PriceListError("the price of \(entry.product) allows \(entry.maxQuantity) items per payment; at most \(ceiling) are allowed "
                                     + "(max_mint_quantity, and never more than \(mostItemsPerPayment))")
            }
            guard entry.amount(quantity: Int64(entry.maxQuantity)) != nil else {
                throw PriceListError("the price of \(entry.product): \(entry.maxQuantity) items would cost more than 2^256 units")
            }
        }
    }
}
