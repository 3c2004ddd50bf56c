import Ethereum
import Foundation
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// The engine holds the price list and enqueue enforces it whoever the caller is (DESIGN
/// invariant 8; issue 8, item 6). The testbed sells the devchain's mint token at
/// `EngineTestbed.unitPrice` per item, at most `EngineTestbed.maxQuantity` per payment.
final class PricingTests: XCTestCase {
    private func refusal(_ testbed: EngineTestbed, _ request: PaymentRequest) async -> PaymentError? {
        do throws(PaymentError) {
            _ = try await testbed.engine.enqueue(request)
            return nil
        } catch {
            return error
        }
    }

    /// Pins: a socket client buying 100 items for 1 atomic unit. Before the fix the only check
    /// was value == amount, so it was queued (and would have minted 100 items).
    func testBuyingItemsForLessThanTheirPriceIsRefusedAndWritesNothing() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let buyer = try testbed.buyerKey(0)

        let hundredForOne = await refusal(testbed, try testbed.request(buyer: buyer, value: 1, quantity: 100))
        XCTAssertEqual(hundredForOne?.code, "quantity_out_of_range", "\(String(describing: hundredForOne))")
        let fiveForOne = await refusal(testbed, try testbed.request(buyer: buyer, value: 1, quantity: 5))
        XCTAssertEqual(fiveForOne?.code, "price_mismatch")
        XCTAssertTrue(fiveForOne?.description.contains(String(EngineTestbed.unitPrice * 5)) == true, fiveForOne?.description ?? "")
        var deploy = try testbed.request(buyer: buyer)
        deploy.type = .deploy
        deploy.token = nil
        let unpricedDeploy = await refusal(testbed, deploy)
        XCTAssertEqual(unpricedDeploy?.code, "payment_type_not_allowed")
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 0,
                       "a refused request writes nothing")

        let priced = try await testbed.engine.enqueue(try testbed.request(buyer: buyer, quantity: 5))
        XCTAssertEqual(priced.status, .pending)
        // What the token can still serve: its remaining supply in items, less the five just queued.
        try await testbed.drainPool()
        func word(_ data: [UInt8]) async throws -> UInt256 {
            guard case .returned(let bytes) = try await testbed.rpc.call(to: testbed.mintToken, data: data) else { throw HarnessError("reverted") }
            return try ABI.decodeUInt256(bytes)
        }
        let items = try await word(MintContractCalldata.remainingSupply()) / (try await word(MintContractCalldata.mintAmount()))
        let prices = try await testbed.engine.prices()
        XCTAssertEqual(prices, [Price(type: .mint, token: testbed.mintToken.checksummed, paymentToken: testbed.usdc.checksummed,
                                      unitPrice: String(EngineTestbed.unitPrice), maxQuantity: EngineTestbed.maxQuantity,
                                      source: .configuration, availableItems: Int64(items.uint64Value ?? 0) - 5)])
    }

    /// Pins: a row in `paymentd_prices` replaces the configured price once settings reload.
    func testADatabaseOverrideReplacesTheConfiguredPriceOnReload() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let buyer = try testbed.buyerKey(1)
        try PriceOverrides.set(PriceOverrideRow(product: testbed.mintToken.checksummed, paymentTokenAddress: testbed.usdc.checksummed,
                                                unitPrice: "2500", maxQuantity: 4), on: testbed.database())
        let stale = try testbed.request(buyer: buyer, quantity: 2)
        _ = try await testbed.engine.enqueue(stale)  // the table is read on reload, not on every request
        try await testbed.engine.reloadSettings()

        let prices = try await testbed.engine.prices()
        XCTAssertEqual(prices.map(\.unitPrice), ["2500"])
        XCTAssertEqual(prices.map(\.maxQuantity), [4])
        XCTAssertEqual(prices.map(\.source), [.database])
        let old = await refusal(testbed, try testbed.request(buyer: buyer, quantity: 2))
        XCTAssertEqual(old?.code, "price_mismatch")
        let tooMany = await refusal(testbed, try testbed.request(buyer: buyer, value: 12_500, quantity: 5))
        XCTAssertEqual(tooMany?.code, "quantity_out_of_range")
        let accepted = try await testbed.engine.enqueue(try testbed.request(buyer: buyer, value: 10_000, quantity: 4))
        XCTAssertEqual(accepted.status, .pending)
    }

    /// Issue 16, found by reading: overrides could be written only by SQL. `prices set` checks
    /// the whole list first and writes only a valid price; `prices unset` restores the configured one.
    func testAnOperatorSetsAndRemovesAPriceAndAnInvalidOneChangesNothing() async throws {
        let testbed = try await EngineTestbed(settings: ["reserve_supply": "false"])
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let engine = testbed.engine
        let set = try await engine.setPrice(PriceOverride(product: testbed.mintToken.checksummed, paymentToken: testbed.usdc.checksummed,
                                                          unitPrice: "2500", maxQuantity: 4))
        XCTAssertEqual(set.map(\.unitPrice), ["2500"])
        XCTAssertEqual(set.map(\.source), [.database])
        XCTAssertEqual(try testbed.database().query("SELECT unit_price::text AS p FROM paymentd_prices").first?.string("p"), "2500")
        let accepted = try await engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(1), value: 5_000, quantity: 2))
        XCTAssertEqual(accepted.status, .pending, "enqueue charges the new price at once")

        func refusal(_ override: PriceOverride) async -> String? {
            do { _ = try await engine.setPrice(override); return nil } catch { return "\(error.code): \(error.description)" }
        }
        let unsold = await refusal(PriceOverride(product: "0x" + String(repeating: "77", count: 20), paymentToken: testbed.usdc.checksummed,
                                                 unitPrice: "1", maxQuantity: 1))
        XCTAssertTrue(unsold?.hasPrefix("invalid_request") ?? false, String(describing: unsold))
        let foreignToken = await refusal(PriceOverride(product: testbed.mintToken.checksummed, paymentToken: "0x" + String(repeating: "66", count: 20),
                                                       unitPrice: "1", maxQuantity: 1))
        XCTAssertTrue(foreignToken?.hasPrefix("invalid_request") ?? false, String(describing: foreignToken))
        let zero = await refusal(PriceOverride(product: testbed.mintToken.checksummed, paymentToken: testbed.usdc.checksummed, unitPrice: "0", maxQuantity: 1))
        XCTAssertTrue(zero?.contains("positive") ?? false, String(describing: zero))
        let unchanged = try await engine.prices()
        XCTAssertEqual(unchanged.map(\.unitPrice), ["2500"], "a refused price changes nothing")

        let restored = try await engine.removePrice(product: testbed.mintToken.checksummed)
        XCTAssertEqual(restored.map(\.unitPrice), [String(EngineTestbed.unitPrice)])
        XCTAssertEqual(restored.map(\.source), [.configuration])
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM paymentd_prices").first!.int64("n"), 0)
    }

    /// Pins: a row that does not fit the configuration (a product without a configured price)
    /// stops start-up, and on a reload the prices in use stay.
    func testAnUnusableOverrideStopsStartUpAndIsIgnoredOnReload() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        try PriceOverrides.set(PriceOverrideRow(product: "deploy", paymentTokenAddress: testbed.usdc.checksummed, unitPrice: "1",
                                                maxQuantity: 1), on: testbed.database())
        try await testbed.engine.reloadSettings()
        let kept = try await testbed.engine.prices()
        XCTAssertEqual(kept.map(\.source), [.configuration], "the configured prices stay in use")

        let restarted = testbed.restartedEngine()
        do {
            try await restarted.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
            XCTFail("an override for an unconfigured product must stop start-up")
        } catch {
            XCTAssertTrue("\(error)".contains("no configured price"), "\(error)")
        }
    }
}
