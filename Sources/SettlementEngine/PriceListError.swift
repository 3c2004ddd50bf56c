/// Why a price list (configured, or overridden by `paymentd_prices`) cannot be used; the
/// sentence names the entry and what to fix. The daemon does not start with such a list, and
/// a reload keeps the previous one.
public struct PriceListError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
