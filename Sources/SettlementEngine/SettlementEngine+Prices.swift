import Ethereum
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

    /// The price list, each mint product with what its token can still serve
    /// (`availableItems`, when supply is reserved and the token says): mint-server stops
    /// offering a product that cannot serve a purchase. A supply that cannot be read now leaves
    /// the number out; enqueue decides anyway.
    public func prices() async throws(PaymentError) -> [Price] {
        var prices = livePrices.current.prices
        guard settings.current.reserveSupply else { return prices }
        let tokens = prices.compactMap { price in price.type == .mint ? price.token.flatMap { try? Address(hex: $0) } : nil }
        guard !tokens.isEmpty else { return prices }
        do {
            let head = try await requestChain.blockNumber()
            let supplies = try await supplyReader.supplies(of: tokens, at: head)
            let keyed = Dictionary(uniqueKeysWithValues: supplies.map { ($0.key.lowercaseHex, $0.value) })
            let available = try await requests.next.withConnection { conn in try PaymentQueue.availableItems(keyed, on: conn) }
            for index in prices.indices {
                guard let token = prices[index].token.flatMap({ try? Address(hex: $0) })?.lowercaseHex else { continue }
                prices[index].availableItems = available[token].map { max(0, $0) }
            }
        } catch {
            logger.warning("prices: what mint tokens have left could not be read; listed without it", metadata: ["error": "\(error)"])
        }
        return prices
    }
}
