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
        var headers = ["TYPE", "TOKEN", "PAYMENT_TOKEN", "UNIT_USDC"]
        var alignments: [TextTable.Alignment] = [.left, .left, .left, .right]
        if showAtomic {
            headers.append("ATOMIC")
            alignments.append(.right)
        }
        var table = TextTable(headers: headers + ["MAX_QUANTITY", "SOURCE"], alignments: alignments + [.right, .left])
        for price in prices {
            var row = [price.type.rawValue, HashText.show(price.token, style: style), HashText.show(price.paymentToken, style: style),
                       TokenAmount.units(price.unitPrice)]
            if showAtomic { row.append(price.unitPrice) }
            table.append(row + [String(price.maxQuantity), price.source.rawValue])
        }
        return table.render()
    }
}
