import ChaosDrill
import Ethereum
import XCTest

/// The audit's judge, shown a clean ledger and then each broken promise alone: it must pass the
/// first and name every one of the others in words an operator can act on.
final class LedgerJudgeTests: XCTestCase {
    func testACleanLedgerPasses() {
        let result = LedgerScenario.clean().judge()
        XCTAssertEqual(result.violations, [])
        XCTAssertTrue(result.passed)
        XCTAssertEqual(result.counts, ["completed": 4])
        XCTAssertEqual(result.mints, 1 + 2 + 3 + 1)
        XCTAssertEqual(result.paid, UInt256(LedgerScenario.unitPrice * 7))
    }

    /// The mint key is derived from its definition; this pins it to an independent vector
    /// (keccak256 of the UTF-8 preimage, computed with eth-utils).
    func testMintKeyMatchesAnIndependentVector() {
        XCTAssertEqual(LedgerJudge.mintKey(paymentID: "8a7b6c5d-0000-4000-8000-000000000001", index: 0),
                       "0x6ab6eda1fad021e090d01aea744e6da7f6f179c38b72602f31f8cd3eb2726ed9")
        XCTAssertEqual(LedgerJudge.mintKey(paymentID: "8A7B6C5D-0000-4000-8000-000000000001", index: 0),
                       "0x6ab6eda1fad021e090d01aea744e6da7f6f179c38b72602f31f8cd3eb2726ed9",
                       "the key is of the lowercase id, whatever case the row is read in")
    }

    func testADrillWithoutRequestsFails() {
        var scenario = LedgerScenario.clean()
        scenario.expectations = []
        scenario.facts.payments = []
        scenario.facts.paymentTokenLogs = []
        scenario.facts.mints = []
        scenario.facts.receiverAfter = scenario.facts.receiverBefore
        scenario.facts.mintBalancesAfter = scenario.facts.mintBalancesBefore
        assertNames(scenario, ["the drill made no requests"])
    }

    func testADrillInWhichEverythingFailedFails() {
        var scenario = LedgerScenario.clean()
        for index in scenario.facts.payments.indices {
            scenario.facts.payments[index].status = "failed"
            scenario.facts.payments[index].error = "simulation reverted"
        }
        scenario.facts.paymentTokenLogs = []
        scenario.facts.mints = []
        scenario.facts.receiverAfter = scenario.facts.receiverBefore
        scenario.facts.mintBalancesAfter = scenario.facts.mintBalancesBefore
        let result = scenario.judge()
        XCTAssertFalse(result.passed)
        for index in 0..<4 {
            XCTAssertTrue(result.violations.contains(
                "payment \(LedgerScenario.paymentID(index)) ended failed: simulation reverted; no fault of the drill lets it end other than completed"),
                "\(result.violations)")
        }
    }

    /// Each case breaks one promise; the judge must say no, with every fragment in some violation.
    func testEachPlantedViolationIsNamed() {
        let first = LedgerScenario.paymentID(0), second = LedgerScenario.paymentID(1)
        let cases: [(name: String, plant: (inout LedgerScenario) -> Void, names: [String])] = [
            ("a deleted row", { $0.facts.payments.remove(at: 1) },
             ["request chaos-1-1 was acknowledged as payment \(second), but no payment row has its key",
              "which no requested payment bought"]),
            ("a failed paid row", { $0.facts.payments[0].status = "failed" },
             ["payment \(first) ended failed; no fault of the drill lets it end other than completed",
              "failed payment \(first) was paid on chain by \(LedgerScenario.word(byte: 0x10)) (charged, never served)",
              "item 0 of payment \(first) was minted (\(LedgerScenario.word(byte: 0xe0))), but the payment did not complete",
              "the receiver gained 70000, completed payments sum to 60000"]),
            ("the same item minted twice", {
                $0.facts.mints.append(LedgerScenario.mint(to: LedgerScenario.buyer(1), key: LedgerJudge.mintKey(paymentID: second, index: 1),
                                                          transaction: LedgerScenario.word(byte: 0xf0)))
                $0.facts.mintBalancesAfter[LedgerScenario.buyer(1)]! += LedgerScenario.mintAmount
             },
             ["item 1 of completed payment \(second) was minted 2 times"]),
            ("an item more than was bought", {
                $0.facts.mints.append(LedgerScenario.mint(to: LedgerScenario.buyer(1), key: LedgerJudge.mintKey(paymentID: second, index: 2),
                                                          transaction: LedgerScenario.word(byte: 0xf0)))
                $0.facts.mintBalancesAfter[LedgerScenario.buyer(1)]! += LedgerScenario.mintAmount
             },
             ["item 2 of payment \(second) was minted (\(LedgerScenario.word(byte: 0xf0))), but the payment bought 2 items",
              "\(LedgerScenario.buyer(1)) went from 7 to 4007 mint tokens; it bought 3000"]),
            ("an unpaid mint", {
                $0.facts.mints.append(LedgerScenario.mint(to: LedgerScenario.buyer(0), key: LedgerScenario.word(byte: 0x99),
                                                          transaction: LedgerScenario.word(byte: 0xf1)))
                $0.facts.mintBalancesAfter[LedgerScenario.buyer(0)]! += LedgerScenario.mintAmount
             },
             ["\(LedgerScenario.word(byte: 0xf1)) minted 1000 to \(LedgerScenario.buyer(0)) under key \(LedgerScenario.word(byte: 0x99)), "
              + "which no requested payment bought"]),
            ("an item not minted", { $0.facts.mints.removeLast() },
             ["item 0 of completed payment \(LedgerScenario.paymentID(3)) was minted 0 times"]),
            ("a mint to another recipient", {
                $0.facts.mints[0] = LedgerScenario.mint(to: LedgerScenario.buyer(1), key: LedgerJudge.mintKey(paymentID: first, index: 0),
                                                        transaction: LedgerScenario.word(byte: 0xe0))
             },
             ["item 0 of payment \(first) was minted to \(LedgerScenario.buyer(1)), but was bought for \(LedgerScenario.buyer(0))"]),
            ("a mint of the wrong amount", {
                $0.facts.mints[0] = LedgerScenario.mint(to: LedgerScenario.buyer(0), key: LedgerJudge.mintKey(paymentID: first, index: 0),
                                                        amount: UInt256(999), transaction: LedgerScenario.word(byte: 0xe0))
             },
             ["item 0 of payment \(first) minted 999 tokens, not 1000"]),
            ("a row the drill did not request", {
                var extra = $0.facts.payments[0]
                extra.id = LedgerScenario.paymentID(9)
                extra.idempotencyKey = "someone-else"
                $0.facts.payments.append(extra)
             },
             ["payment \(LedgerScenario.paymentID(9)) (key someone-else, completed) is not one the drill requested"]),
            ("two rows for one key", {
                var twin = $0.facts.payments[0]
                twin.id = LedgerScenario.paymentID(8)
                $0.facts.payments.append(twin)
             },
             ["request chaos-1-0 has 2 payment rows: \(first), \(LedgerScenario.paymentID(8))"]),
            ("an acknowledgement for another row", { $0.expectations[0].enqueue = .acknowledged(paymentID: LedgerScenario.paymentID(7)) },
             ["request chaos-1-0 was acknowledged as payment \(LedgerScenario.paymentID(7)), but its row is payment \(first)"]),
            ("a refused request", { $0.expectations[2].enqueue = .refused(code: "price_mismatch", message: "wrong price") },
             ["request chaos-1-2 was refused (price_mismatch): wrong price"]),
            ("an unanswered request", { $0.expectations[2].enqueue = .unanswered(lastError: "connection_refused: no daemon") },
             ["request chaos-1-2 was never acknowledged (last error: connection_refused: no daemon)"]),
            ("a row's amount not the request's", { $0.facts.payments[0].amount = "10001" },
             ["payment \(first): its amount is 10001, the request's is 10000"]),
            ("an amount that is no number", { $0.facts.payments[0].amount = "ten thousand" },
             ["payment \(first): its amount \"ten thousand\" is not a decimal number"]),
            ("a row's payer, nonce, quantity and recipient not the request's", {
                $0.facts.payments[0].payer = LedgerScenario.buyer(5)
                $0.facts.payments[0].nonce = LedgerScenario.word(byte: 0x01)
                $0.facts.payments[0].quantity = "2"
                $0.facts.payments[0].recipient = nil
             },
             ["payment \(first): its payer is \(LedgerScenario.buyer(5)), the request's is \(LedgerScenario.buyer(0))",
              "payment \(first): its authorization nonce is \(LedgerScenario.word(byte: 0x01)), the request's is \(LedgerScenario.word(byte: 0x40))",
              "payment \(first): its quantity is 2, the request's is 1",
              "payment \(first): its recipient is missing, the request's is \(LedgerScenario.buyer(0))"]),
            ("a settlement reorged out", {
                $0.facts.paymentTokenLogs.removeAll { $0.transactionHash == LedgerScenario.word(byte: 0x11) }
                $0.facts.receiverAfter = $0.facts.receiverAfter - UInt256(20_000)
             },
             ["completed payment \(second): its transaction \(LedgerScenario.word(byte: 0x11)) holds no log of the payment token",
              "of payment \(second) was minted", "but its payment is not settled on the canonical chain (minted unpaid)"]),
            ("a settlement pair that pays someone else", {
                let index = $0.facts.paymentTokenLogs.firstIndex { $0.transactionHash == LedgerScenario.word(byte: 0x10) && $0.logIndex == 5 }!
                $0.facts.paymentTokenLogs[index].topics[2] = LedgerScenario.topic(LedgerScenario.buyer(1))
             },
             ["completed payment \(first): the log after 4 in \(LedgerScenario.word(byte: 0x10)) is not Transfer(payer → receiver, 10000)"]),
            ("one pair recorded for two payments", {
                $0.facts.payments[1].txHash = LedgerScenario.word(byte: 0x10)
             },
             ["settlement pair \(LedgerScenario.word(byte: 0x10))#4 pays both payment \(first) and payment \(second)"]),
            ("a completed row with no pair", { $0.facts.payments[0].settlementLogIndex = nil },
             ["completed payment \(first) records no settlement pair"]),
            ("a payment still being restored", { $0.facts.payments[0].reorged = true },
             ["payment \(first) is still being restored after a reorg"]),
            ("a settlement lost", {
                $0.facts.payments[0].reorged = true
                $0.facts.payments[0].settlementLost = "nonce used elsewhere"
             },
             ["payment \(first): settlement lost (nonce used elsewhere)",
              "item 0 of payment \(first) was minted (\(LedgerScenario.word(byte: 0xe0))), but its payment is not settled on the canonical chain (minted unpaid)"]),
            ("the receiver paid less than the completed payments", { $0.facts.receiverAfter = $0.facts.receiverAfter - UInt256(1) },
             ["the receiver gained 69999, completed payments sum to 70000"]),
            ("a buyer's balance not read", { $0.facts.mintBalancesAfter[LedgerScenario.buyer(0)] = nil },
             ["\(LedgerScenario.buyer(0)) bought 4 items, but its mint balance was not read"]),
        ]
        XCTAssertEqual(cases.count, 24)
        for planted in cases {
            var scenario = LedgerScenario.clean()
            planted.plant(&scenario)
            assertNames(scenario, planted.names, planted.name)
        }
    }

    // MARK: What the fault plan allows: a re-spend in a reorg's fork, a recorded refund

    /// Payment 0's payer re-spent its nonce in a reorg's fork: its settlement is gone from the
    /// canonical chain, the row is flagged lost, nothing was minted for it.
    private static func respent(_ scenario: inout LedgerScenario) {
        scenario.expectations[0].respent = true
        scenario.facts.payments[0].reorged = true
        scenario.facts.payments[0].settlementLost = "nonce used elsewhere by 0x99…"
        scenario.facts.paymentTokenLogs.removeAll { $0.transactionHash == LedgerScenario.word(byte: 0x10) }
        scenario.facts.mints.removeAll { $0.transactionHash == LedgerScenario.word(byte: 0xe0) }
        scenario.facts.receiverAfter = scenario.facts.receiverAfter - UInt256(10_000)
        scenario.facts.mintBalancesAfter[LedgerScenario.buyer(0)]! -= LedgerScenario.mintAmount
    }

    /// Payment 3 (one item, buyer 1) was paid back by `refund` instead of minted.
    private static func refunded(_ scenario: inout LedgerScenario, refund: String = LedgerScenario.word(byte: 0xd3)) {
        scenario.facts.payments[3].refundTxHash = refund
        scenario.facts.paymentTokenLogs.append(LedgerFacts.Log(
            address: LedgerScenario.usdc, topics: [EventTopic.transfer.hex, LedgerScenario.topic("0x" + String(repeating: "5", count: 40)),
                                                   LedgerScenario.topic(LedgerScenario.buyer(1))],
            data: LedgerScenario.amountWord(UInt256(10_000)), transactionHash: LedgerScenario.word(byte: 0xd3), logIndex: 0))
        scenario.facts.mints.removeAll { $0.transactionHash == LedgerScenario.word(byte: 0xe3) }
        scenario.facts.mintBalancesAfter[LedgerScenario.buyer(1)]! -= LedgerScenario.mintAmount
    }

    func testAPaymentLostToItsPayersRespendInAReorgPassesWhenNothingWasMintedForIt() {
        var scenario = LedgerScenario.clean()
        Self.respent(&scenario)
        let result = scenario.judge()
        XCTAssertTrue(result.passed, result.violations.joined(separator: "\n"))
        XCTAssertEqual(result.paid, UInt256(60_000), "the lost payment paid nothing")
        XCTAssertEqual(result.lostToRespend, 1)
    }

    func testARespentPaymentThatWasMintedAnywayOrNotPlannedFails() {
        var minted = LedgerScenario.clean()
        Self.respent(&minted)
        minted.facts.mints.append(LedgerScenario.mint(to: LedgerScenario.buyer(0), key: LedgerJudge.mintKey(paymentID: LedgerScenario.paymentID(0), index: 0),
                                                      transaction: LedgerScenario.word(byte: 0xe0)))
        minted.facts.mintBalancesAfter[LedgerScenario.buyer(0)]! += LedgerScenario.mintAmount
        assertNames(minted, ["item 0 of payment \(LedgerScenario.paymentID(0)) was minted (\(LedgerScenario.word(byte: 0xe0))), "
                             + "but its payment is not settled on the canonical chain (minted unpaid)"], "re-spent and minted")

        var unplanned = LedgerScenario.clean()
        Self.respent(&unplanned)
        unplanned.expectations[0].respent = false
        assertNames(unplanned, ["payment \(LedgerScenario.paymentID(0)): settlement lost (nonce used elsewhere by 0x99…)"], "lost, not re-spent by the drill")

        var paidAnyway = LedgerScenario.clean()
        Self.respent(&paidAnyway)
        paidAnyway.facts.paymentTokenLogs += LedgerScenario.settlementPair(payer: LedgerScenario.buyer(0), nonce: LedgerScenario.word(byte: 0x40),
                                                                          amount: UInt256(10_000), transaction: LedgerScenario.word(byte: 0x31), logIndex: 0)
        paidAnyway.facts.receiverAfter = paidAnyway.facts.receiverAfter + UInt256(10_000)
        assertNames(paidAnyway, ["payment \(LedgerScenario.paymentID(0)) is flagged settlement lost, but \(LedgerScenario.word(byte: 0x31)) on chain paid the receiver with it"],
                    "lost, but paid on chain")
    }

    func testARefundedPaymentPassesWithoutMintsAndFailsWithThemOrWithAFalseRefund() {
        var scenario = LedgerScenario.clean()
        Self.refunded(&scenario)
        let result = scenario.judge()
        XCTAssertTrue(result.passed, result.violations.joined(separator: "\n"))
        XCTAssertEqual(result.refunded, 1)

        var minted = LedgerScenario.clean()
        Self.refunded(&minted)
        minted.facts.mints.append(LedgerScenario.mint(to: LedgerScenario.buyer(1), key: LedgerJudge.mintKey(paymentID: LedgerScenario.paymentID(3), index: 0),
                                                      transaction: LedgerScenario.word(byte: 0xe3)))
        minted.facts.mintBalancesAfter[LedgerScenario.buyer(1)]! += LedgerScenario.mintAmount
        assertNames(minted, ["item 0 of payment \(LedgerScenario.paymentID(3)) was minted (\(LedgerScenario.word(byte: 0xe3))), but the payment was refunded"],
                    "refunded and minted")

        var falseRefund = LedgerScenario.clean()
        Self.refunded(&falseRefund, refund: LedgerScenario.word(byte: 0xd4))
        assertNames(falseRefund, ["payment \(LedgerScenario.paymentID(3)) records refund \(LedgerScenario.word(byte: 0xd4)), "
                                  + "which is no transfer of the payment token to its payer on chain"], "a refund that is not on chain")

        // Not refunded and not minted: the charged buyer was never served.
        var unserved = LedgerScenario.clean()
        Self.refunded(&unserved)
        unserved.facts.payments[3].refundTxHash = nil
        assertNames(unserved, ["item 0 of completed payment \(LedgerScenario.paymentID(3)) was minted 0 times"], "neither minted nor refunded")
    }

    private func assertNames(_ scenario: LedgerScenario, _ fragments: [String], _ name: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        let result = scenario.judge()
        XCTAssertFalse(result.passed, "\(name): the judge passed it", file: file, line: line)
        for fragment in fragments where !result.violations.contains(where: { $0.contains(fragment) }) {
            XCTFail("\(name): no violation says \"\(fragment)\"; it said:\n  " + result.violations.joined(separator: "\n  "),
                    file: file, line: line)
        }
    }
}
