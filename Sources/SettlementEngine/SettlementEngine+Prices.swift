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

    /// An operator's `prices set`: the price list with this override is built first, so a price
    /// for a product not sold here, in a token not accepted, or malformed is refused with the
    /// reason and nothing is written; then the row is stored (every instance reads it at its next
    /// settings poll) and applied here at once.
    public func setPrice(_ override: PriceOverride) async throws(PaymentError) -> [Price] {
        let entry: ProductPrice
        do {
            entry = try ProductPrice(product: override.product, paymentToken: override.paymentToken, unitPrice: override.unitPrice,
                                     maxQuantity: String(override.maxQuantity), source: .database)
        } catch {
            throw .invalidRequest(field: "product", reason: error.description)
        }
        let rows = try await database(.read) { try await requests.next.withConnection { conn in try PriceOverrides.all(on: conn) } }
        var overrides: [ProductPrice] = [entry]
        for row in rows where row.product != entry.product.storedKey {
            if let existing = try? ProductPrice(product: row.product, paymentToken: row.paymentTokenAddress, unitPrice: row.unitPrice,
                                                maxQuantity: String(row.maxQuantity), source: .database) {
                overrides.append(existing)
            }
        }
        do {
            _ = try configuration.prices.overridden(by: overrides, paymentTokens: configuration.paymentTokens.map(\.address),
                                                    maxQuantity: configuration.maxMintQuantity)
        } catch {
            throw .invalidRequest(field: "product", reason: "the price list would not be valid: \(error.description)")
        }
        let row = PriceOverrideRow(product: entry.product.storedKey, paymentTokenAddress: entry.paymentToken.checksummed,
                                   unitPrice: entry.unitPrice.description, maxQuantity: entry.maxQuantity)
        try await database(.change) { try await requests.next.withConnection { conn in try PriceOverrides.set(row, on: conn) } }
        await reloadPrices()
        logger.notice("price override set", metadata: ["product": "\(entry.product)", "payment_token": "\(row.paymentTokenAddress)",
                                                       "unit_price": "\(row.unitPrice)", "max_quantity": "\(row.maxQuantity)"])
        return try await prices()
    }

    /// An operator's `prices unset`: the product's configured price applies again.
    public func removePrice(product: String) async throws(PaymentError) -> [Price] {
        let parsed: Product
        do { parsed = try Product(parsing: product) } catch { throw .invalidRequest(field: "product", reason: error.description) }
        try await database(.change) { try await requests.next.withConnection { conn in try PriceOverrides.remove(product: parsed.storedKey, on: conn) } }
        await reloadPrices()
        logger.notice("price override removed", metadata: ["product": "\(parsed)"])
        return try await prices()
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
