import PaymentModel

/// `payctl prices` for people: what the daemon sells, in which token, at what unit price.
public struct PricesView: Sendable {
    public var style: TerminalStyle
    public var showAtomic: Bool

    public init(style: TerminalStyle, showAtomic: Bool) {
        self.style = style
        self.showAtomic = showAtomic
    }

    public func render(_ prices: [Price]) -> String {
        var table = TextTable(headers: ["TYPE", "TOKEN", "PAYMENT TOKEN", showAtomic ? "UNIT PRICE USDC (ATOMIC)" : "UNIT PRICE USDC", "MAX QUANTITY", "SOURCE"],
                              alignments: [.left, .left, .left, .right, .right, .left])
        for price in prices {
            table.append([price.type.rawValue, HashText.show(price.token, style: style), HashText.show(price.paymentToken, style: style),
                          TokenAmount.display(price.unitPrice, showAtomic: showAtomic), String(price.maxQuantity), price.source.rawValue])
        }
        return table.render()
    }
}
