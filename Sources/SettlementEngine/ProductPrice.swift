import Ethereum
import Foundation
import PaymentModel

/// One line of the price list: what one item of a product costs, in which token, and how many
/// one payment may buy.
public struct ProductPrice: Sendable, Hashable {
    public var product: Product
    public var paymentToken: Address
    /// Atomic units of `paymentToken` per item; never zero.
    public var unitPrice: UInt256
    public var maxQuantity: Int
    public var source: Price.Source

    public init(product: Product, paymentToken: Address, unitPrice: UInt256, maxQuantity: Int, source: Price.Source) {
        self.product = product
        self.paymentToken = paymentToken
        self.unitPrice = unitPrice
        self.maxQuantity = maxQuantity
        self.source = source
    }

    /// Parses the configuration's form: `<mint token | deploy>:<payment token>:<unit price>:<max quantity>`,
    /// e.g. `0xMint…:0xUSDC…:1000000:10` (1 USDC per item, at most 10 per payment).
    public init(parsing spec: String, source: Price.Source = .configuration) throws(PriceListError) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 4 else {
            throw PriceListError("price \(spec) must be <mint token or deploy>:<payment token>:<unit price>:<max quantity>")
        }
        try self.init(product: parts[0], paymentToken: parts[1], unitPrice: parts[2], maxQuantity: parts[3], source: source)
    }

    /// Reads the fields as text (configuration, or a `paymentd_prices` row).
    public init(product: String, paymentToken: String, unitPrice: String, maxQuantity: String, source: Price.Source) throws(PriceListError) {
        let product = try Product(parsing: product)
        let token: Address
        do {
            token = try Address(hex: paymentToken)
        } catch {
            throw PriceListError("the price of \(product): payment token \(paymentToken) is not an address (\(error.description))")
        }
        guard let price = UInt256(decimal: unitPrice), !price.isZero else {
            throw PriceListError("the price of \(product): unit price \(unitPrice) must be a positive integer of atomic units")
        }
        guard let quantity = Int(maxQuantity), quantity > 0 else {
            throw PriceListError("the price of \(product): max quantity \(maxQuantity) must be a positive integer")
        }
        self.init(product: product, paymentToken: token, unitPrice: price, maxQuantity: quantity, source: source)
    }

    /// The amount `quantity` items cost; nil if it does not fit in 256 bits.
    func amount(quantity: Int64) -> UInt256? {
        let (amount, overflow) = unitPrice.multipliedReportingOverflow(by: UInt256(UInt64(max(0, quantity))))
        return overflow ? nil : amount
    }

    /// The line as clients read it (`prices`).
    var price: Price {
        let (type, token): (PaymentType, String?) = switch product {
        case .mint(let address): (.mint, address.checksummed)
        case .deploy: (.deploy, nil)
        }
        return Price(type: type, token: token, paymentToken: paymentToken.checksummed, unitPrice: unitPrice.description,
                     maxQuantity: maxQuantity, source: source)
    }
}
