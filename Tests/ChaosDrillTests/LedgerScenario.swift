import ChaosDrill
import Ethereum

/// A drill's requests and a ledger and chain that kept every promise to them, built by hand so a
/// test can break one promise at a time and see whether `LedgerJudge` names it. Every value is
/// derived here from the definitions (event topics, the mint key's preimage), not from the
/// daemon.
struct LedgerScenario {
    var expectations: [AuditExpectation]
    var facts: LedgerFacts

    static let receiver = "0x" + String(repeating: "7", count: 40)
    static let usdc = "0x" + String(repeating: "a", count: 40)
    static let mintToken = "0x" + String(repeating: "c", count: 40)
    static let mintAmount = UInt256(1_000)
    static let unitPrice: UInt64 = 10_000
    static let receiverBefore = UInt256(5_000_000)

    /// `count` acknowledged requests by two buyers, quantities 1, 2, 3, 1, …, each completed by
    /// its own settlement transaction and minted once per item.
    static func clean(count: Int = 4) -> LedgerScenario {
        var expectations: [AuditExpectation] = []
        var payments: [LedgerFacts.Payment] = []
        var tokenLogs: [LedgerFacts.Log] = []
        var mints: [LedgerFacts.Log] = []
        var paid = UInt256.zero
        var bought: [String: UInt64] = [:]
        for index in 0..<count {
            let buyer = buyer(index % 2)
            let quantity = index % 3 + 1
            let amount = UInt256(unitPrice * UInt64(quantity))
            let id = paymentID(index)
            let nonce = word(byte: UInt8(0x40 + index))
            let key = "chaos-1-\(index)"
            expectations.append(AuditExpectation(idempotencyKey: key, payer: buyer, nonce: nonce, amount: amount, paymentToken: usdc,
                                                 mintToken: mintToken, quantity: quantity, recipient: buyer,
                                                 enqueue: .acknowledged(paymentID: id)))
            let settlement = word(byte: UInt8(0x10 + index))
            payments.append(LedgerFacts.Payment(
                id: id, idempotencyKey: key, status: "completed", payer: buyer, nonce: nonce, amount: amount.description,
                paymentToken: usdc, mintToken: mintToken, quantity: String(quantity), recipient: buyer,
                txHash: settlement, settlementLogIndex: 4))
            // Another contract's log first, so the pair is not at index 0.
            tokenLogs.append(LedgerFacts.Log(address: usdc, topics: [EventTopic.transfer.hex, topic(receiver), topic(buyer)],
                                             data: amountWord(UInt256(1)), transactionHash: settlement, logIndex: 3))
            tokenLogs += settlementPair(payer: buyer, nonce: nonce, amount: amount, transaction: settlement, logIndex: 4)
            for item in 0..<quantity {
                mints.append(mint(to: buyer, key: LedgerJudge.mintKey(paymentID: id, index: item),
                                  transaction: word(byte: UInt8(0xe0 + index))))
            }
            paid += amount
            bought[buyer, default: 0] += UInt64(quantity)
        }
        let buyers = [buyer(0), buyer(1)]
        let facts = LedgerFacts(
            receiver: receiver, paymentToken: usdc, mintToken: mintToken, mintAmount: mintAmount, payments: payments,
            paymentTokenLogs: tokenLogs, mints: mints, receiverBefore: receiverBefore, receiverAfter: receiverBefore + paid,
            mintBalancesBefore: Dictionary(uniqueKeysWithValues: buyers.map { ($0, UInt256(7)) }),
            mintBalancesAfter: Dictionary(uniqueKeysWithValues: buyers.map { ($0, UInt256(7) + mintAmount * UInt256(bought[$0, default: 0])) }))
        return LedgerScenario(expectations: expectations, facts: facts)
    }

    func judge() -> AuditResult {
        LedgerJudge(expectations: expectations, facts: facts).judge()
    }

    // MARK: Building blocks

    static func buyer(_ index: Int) -> String { "0x" + String(repeating: "b", count: 39) + String(index) }
    static func paymentID(_ index: Int) -> String { "8a7b6c5d-0000-4000-8000-" + String(repeating: "0", count: 11) + String(index) }
    static func word(byte: UInt8) -> String { Hex.encode([UInt8](repeating: byte, count: 32)) }
    static func topic(_ address: String) -> String { "0x" + String(repeating: "0", count: 24) + address.dropFirst(2) }
    static func amountWord(_ value: UInt256) -> String { Hex.encode(ABIWord.uint256(value)) }

    /// `AuthorizationUsed(payer, nonce)` at `logIndex` and `Transfer(payer → receiver, amount)` after it.
    static func settlementPair(payer: String, nonce: String, amount: UInt256, transaction: String, logIndex: UInt64) -> [LedgerFacts.Log] {
        [LedgerFacts.Log(address: usdc, topics: [EventTopic.authorizationUsed.hex, topic(payer), nonce], data: "0x",
                         transactionHash: transaction, logIndex: logIndex),
         LedgerFacts.Log(address: usdc, topics: [EventTopic.transfer.hex, topic(payer), topic(receiver)], data: amountWord(amount),
                         transactionHash: transaction, logIndex: logIndex + 1)]
    }

    static func mint(to recipient: String, key: String, amount: UInt256 = mintAmount, transaction: String) -> LedgerFacts.Log {
        LedgerFacts.Log(address: mintToken, topics: [EventTopic.tokensMinted.hex, topic(recipient), key], data: amountWord(amount),
                        transactionHash: transaction, logIndex: 0)
    }
}
