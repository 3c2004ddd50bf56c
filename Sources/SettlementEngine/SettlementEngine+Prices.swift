import PaymentModel
import PaymentStore

extension SettlementEngine {
    /// Reads `paymentd_prices` and applies it over the configured prices. Throws when the table
    /// cannot be read or its rows make the list invalid; the list in use then stays as it was.
    func loadPrices() async throws {
        let rows = try await requests.next.withConnection { conn in try PriceOverrides.all(on: conn) }
        var overrides: [ProductPrice] = []
        for row in rows {
            overrides.append(try ProductPrice(product: row.product, paymentToken: row.paymentTokenAddress, unitPrice: row.unitPrice,
                                              maxQuantity: String(row.maxQuantity), source: .database))
        }
        let list = try configuration.prices.overridden(by: overrides, paymentTokens: configuration.paymentTokens.map(\.address),
                                                       maxQuantity: configuration.maxMintQuantity)
        if list != livePrices.current {
            for entry in list.entries {
                logger.notice("price", metadata: ["product": "\(entry.product)", "payment_token": "\(entry.paymentToken.checksummed)",
                                                  "unit_price": "\(entry.unitPrice)", "max_quantity": "\(entry.maxQuantity)",
                                                  "source": "\(entry.source.rawValue)"])
            }
        }
        livePrices.replace(list)
    }

    /// `loadPrices` for a reload: a table that cannot be used is reported and the prices in
    /// use are kept, so a bad row never leaves the daemon without a price list.
    func reloadPrices() async {
        do {
            try await loadPrices()
        } catch {
            logger.error("price overrides not applied; keeping the prices in use", metadata: ["error": "\(error)"])
        }
    }

    public func prices() async throws(PaymentError) -> [Price] {
        livePrices.current.prices
    }
}
