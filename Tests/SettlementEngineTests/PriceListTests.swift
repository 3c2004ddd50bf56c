import Ethereum
import PaymentModel
@testable import SettlementEngine
import XCTest

/// The price list as a value (issue 8, item 6): parsing the configuration's form, validating a
/// list as a whole, applying database overrides, and the check enqueue makes, without a
/// database or a chain.
final class PriceListTests: XCTestCase {
    private let mint = try! Address(hex: "0x4444444444444444444444444444444444444444")
    private let otherMint = try! Address(hex: "0x5555555555555555555555555555555555555555")
    private let usdc = try! Address(hex: "0x3333333333333333333333333333333333333333")
    private let eurc = try! Address(hex: "0x6666666666666666666666666666666666666666")

    private func list(_ specs: [String], mintTokens: [Address]? = nil, maxQuantity: Int = 100) throws -> PriceList {
        try PriceList(configured: try specs.map { try ProductPrice(parsing: $0) }, mintTokens: mintTokens ?? [mint],
                      paymentTokens: [usdc, eurc], maxQuantity: maxQuantity)
    }

    private func refusal(_ prices: PriceList, _ product: Product, paymentToken: Address? = nil, quantity: Int64,
                         amount: UInt64) -> PaymentError? {
        do throws(PaymentError) {
            try prices.check(product, paymentToken: paymentToken ?? usdc, quantity: quantity, amount: UInt256(amount))
            return nil
        } catch {
            return error
        }
    }

    func testParsesTheConfigurationForm() throws {
        let price = try ProductPrice(parsing: " \(mint.checksummed.lowercased()) : \(usdc.checksummed) : 1000000 : 10 ")
        XCTAssertEqual(price.product, .mint(mint))
        XCTAssertEqual(price.paymentToken, usdc)
        XCTAssertEqual(price.unitPrice, UInt256(1_000_000))
        XCTAssertEqual(price.maxQuantity, 10)
        XCTAssertEqual(try ProductPrice(parsing: "deploy:\(usdc.checksummed):5000000:1").product, .deploy)
        for bad in ["\(mint.checksummed):\(usdc.checksummed):1000", "\(mint.checksummed):\(usdc.checksummed):0:10",
                    "\(mint.checksummed):\(usdc.checksummed):-1:10", "\(mint.checksummed):\(usdc.checksummed):1.5:10",
                    "\(mint.checksummed):\(usdc.checksummed):100:0", "nft:\(usdc.checksummed):100:1", "\(mint.checksummed):usdc:100:1"] {
            XCTAssertThrowsError(try ProductPrice(parsing: bad), bad)
        }
    }

    /// Pins: 100 items for 1 atomic unit is refused, and the message says the expected amount.
    func testAnAmountThatIsNotUnitPriceTimesQuantityIsAPriceMismatch() throws {
        let prices = try list(["\(mint.checksummed):\(usdc.checksummed):1000000:100"])
        XCTAssertNil(refusal(prices, .mint(mint), quantity: 3, amount: 3_000_000))
        guard case .priceMismatch(_, let expected, _, _, _)? = refusal(prices, .mint(mint), quantity: 100, amount: 1) else {
            return XCTFail("100 items for 1 unit must be a price mismatch")
        }
        XCTAssertEqual(expected, "100000000")
        let error = refusal(prices, .mint(mint), quantity: 100, amount: 1)
        XCTAssertEqual(error?.code, "price_mismatch")
        XCTAssertTrue(error?.description.contains("100000000") == true, error?.description ?? "")
        XCTAssertEqual(refusal(prices, .mint(mint), quantity: 2, amount: 3_000_000)?.code, "price_mismatch", "too much is no better")
        XCTAssertEqual(refusal(prices, .mint(mint), paymentToken: eurc, quantity: 1, amount: 1_000_000)?.code, "price_mismatch",
                       "the price is in USDC, not in another accepted token")
    }

    func testQuantityOutsideOneToMaxIsOutOfRange() throws {
        let prices = try list(["\(mint.checksummed):\(usdc.checksummed):1000:10"])
        XCTAssertEqual(refusal(prices, .mint(mint), quantity: 11, amount: 11_000)?.code, "quantity_out_of_range")
        XCTAssertEqual(refusal(prices, .mint(mint), quantity: 0, amount: 0)?.code, "quantity_out_of_range")
        XCTAssertEqual(refusal(prices, .mint(mint), quantity: -3, amount: 0)?.code, "quantity_out_of_range")
        XCTAssertNil(refusal(prices, .mint(mint), quantity: 10, amount: 10_000))
    }

    func testOnlyPricedProductsAreSold() throws {
        let prices = try list(["\(mint.checksummed):\(usdc.checksummed):1000:10"])
        XCTAssertEqual(refusal(prices, .mint(otherMint), quantity: 1, amount: 1000)?.code, "token_not_allowed")
        XCTAssertEqual(refusal(prices, .deploy, quantity: 1, amount: 1000)?.code, "payment_type_not_allowed")
        let withDeploy = try list(["\(mint.checksummed):\(usdc.checksummed):1000:10", "deploy:\(usdc.checksummed):5000000:1"])
        XCTAssertNil(refusal(withDeploy, .deploy, quantity: 1, amount: 5_000_000))
        XCTAssertEqual(refusal(withDeploy, .deploy, quantity: 1, amount: 1000)?.code, "price_mismatch")
    }

    func testAConfiguredListPricesEveryMintTokenOnceAndNothingElse() {
        let good = "\(mint.checksummed):\(usdc.checksummed):1000:10"
        let cases: [(String, [String], [Address], String)] = [
            ("a mint token without a price", [good], [mint, otherMint], "has no price"),
            ("a price for a token not in mint_tokens", [good, "\(otherMint.checksummed):\(usdc.checksummed):1:1"], [mint], "not in mint_tokens"),
            ("two prices for one token", [good, good], [mint], "two prices"),
            ("a payment token not accepted", ["\(mint.checksummed):\(otherMint.checksummed):1000:10"], [mint], "not in payment_tokens"),
            ("more items than the ceiling", ["\(mint.checksummed):\(usdc.checksummed):1000:101"], [mint], "at most 100"),
            ("a deploy price for several items", [good, "deploy:\(usdc.checksummed):1000:2"], [mint], "exactly 1"),
            ("an amount beyond 2^256", ["\(mint.checksummed):\(usdc.checksummed):\(String(repeating: "9", count: 77)):100"], [mint], "2^256"),
        ]
        for (name, specs, mints, expected) in cases {
            XCTAssertThrowsError(try list(specs, mintTokens: mints), name) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(name): \(error)")
            }
        }
        XCTAssertNoThrow(try list(["\(mint.checksummed):\(usdc.checksummed):1000:1000"], maxQuantity: 5000), "the ceiling is 1000 items")
        XCTAssertThrowsError(try list(["\(mint.checksummed):\(usdc.checksummed):1000:1001"], maxQuantity: 5000))
    }

    func testDatabaseRowsReplaceConfiguredPricesAndAddNothing() throws {
        let configured = try list(["\(mint.checksummed):\(usdc.checksummed):1000:10", "deploy:\(usdc.checksummed):5000000:1"])
        let row = try ProductPrice(product: mint.checksummed.lowercased(), paymentToken: eurc.checksummed, unitPrice: "2500",
                                   maxQuantity: "4", source: .database)
        let overridden = try configured.overridden(by: [row], paymentTokens: [usdc, eurc], maxQuantity: 100)
        XCTAssertEqual(overridden.price(of: .mint(mint)), row)
        XCTAssertEqual(overridden.price(of: .deploy), configured.price(of: .deploy))
        XCTAssertEqual(overridden.prices.map(\.source), [.database, .configuration])
        XCTAssertNil(refusal(overridden, .mint(mint), paymentToken: eurc, quantity: 4, amount: 10_000))
        XCTAssertEqual(refusal(overridden, .mint(mint), quantity: 1, amount: 1000)?.code, "price_mismatch", "the configured price no longer applies")

        let unknown = try ProductPrice(product: otherMint.checksummed, paymentToken: usdc.checksummed, unitPrice: "1", maxQuantity: "1",
                                       source: .database)
        XCTAssertThrowsError(try configured.overridden(by: [row, unknown], paymentTokens: [usdc, eurc], maxQuantity: 100)) { error in
            XCTAssertTrue("\(error)".contains("no configured price"), "\(error)")
        }
        let foreign = try ProductPrice(product: "deploy", paymentToken: otherMint.checksummed, unitPrice: "1", maxQuantity: "1", source: .database)
        XCTAssertThrowsError(try configured.overridden(by: [foreign], paymentTokens: [usdc, eurc], maxQuantity: 100))
    }

    func testTheWireFormNamesTheTokensAndTheSource() throws {
        let prices = try list(["\(mint.checksummed):\(usdc.checksummed):1000:10"]).prices
        XCTAssertEqual(prices, [Price(type: .mint, token: mint.checksummed, paymentToken: usdc.checksummed, unitPrice: "1000",
                                      maxQuantity: 10, source: .configuration)])
    }
}
