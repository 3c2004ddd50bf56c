import Ethereum
import PaymentModel

/// `quantity` items of one priced product and what they cost: `unit price × quantity` in the
/// payment token's atomic units, the amount paymentd's enqueue insists on.
public struct Purchase: Sendable, Hashable {
    public let price: Price
    public let quantity: Int
    public let amount: UInt256

    /// Nil when the unit price is not a decimal or the product overflows.
    public init?(price: Price, quantity: Int) {
        guard quantity >= 1, let unit = UInt256(decimal: price.unitPrice),
              let amount = try? unit.checkedMultiplied(by: UInt256(UInt64(quantity))) else { return nil }
        self.price = price
        self.quantity = quantity
        self.amount = amount
    }

    /// The purchase an amount pays for, when it is a whole number of items within range.
    public init?(price: Price, paying amount: UInt256) {
        guard let unit = UInt256(decimal: price.unitPrice), !unit.isZero,
              let (quantity, remainder) = amount.quotientAndRemainderReportingZero(dividingBy: unit), remainder.isZero,
              let count = quantity.uint64Value, count >= 1, count <= UInt64(price.maxQuantity) else { return nil }
        self.init(price: price, quantity: Int(count))
    }

    public var amountText: String { amount.description }
}
