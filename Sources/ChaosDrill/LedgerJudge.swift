import Ethereum

/// Decides whether a drill kept its promises, from the drill's own requests and what the ledger
/// and the chain say (`LedgerFacts`); pure, so every violation it can name is shown to it in a
/// unit test. Each request must have exactly one row, with the request's payer, nonce, amount,
/// tokens, quantity and recipient, ended `completed`, settled by a pair on the canonical chain
/// that pays no other payment, and minted exactly once per item to its recipient, or paid back
/// by a recorded refund that is a transfer to the payer on chain (a charged buyer ends minted or
/// refunded); nothing the drill did not request may exist, nothing may be minted that no
/// completed payment bought or that a payment not settled on the canonical chain bought, no
/// payment that did not complete may have been paid, and the balances must move by exactly
/// what was paid and bought. The one exception the fault plan makes: a payment whose payer the
/// drill had re-spend the nonce in a reorg's fork may end with its settlement lost, unpaid and
/// never minted.
public struct LedgerJudge: Sendable {
    public let expectations: [AuditExpectation]
    public let facts: LedgerFacts

    /// How many item indexes past a payment's quantity are recognised when named on chain, so an
    /// extra item is reported as "more than it bought" rather than as an anonymous mint.
    static let extraItemsRecognised = 16

    public init(expectations: [AuditExpectation], facts: LedgerFacts) {
        self.expectations = expectations
        self.facts = facts
    }

    /// The on-chain exactly-once key of item `index` of payment `paymentID`, derived here from
    /// its definition rather than read from the daemon's `mint_queue`.
    public static func mintKey(paymentID: String, index: Int) -> String {
        Bytes32.keccak256(Array("paymentd:mint:\(paymentID.lowercased()):\(index)".utf8)).hex
    }

    public func judge() -> AuditResult {
        var result = AuditResult()
        var violations: [String] = []
        if expectations.isEmpty { violations.append("the drill made no requests: there was nothing to audit") }
        for payment in facts.payments { result.counts[payment.status, default: 0] += 1 }

        let rowsByKey = Dictionary(grouping: facts.payments.filter { $0.idempotencyKey != nil }, by: { $0.idempotencyKey! })
        let requestedKeys = Set(expectations.map(\.idempotencyKey))
        for payment in facts.payments where payment.idempotencyKey.map({ !requestedKeys.contains($0) }) ?? true {
            violations.append("payment \(payment.id) (key \(payment.idempotencyKey ?? "none"), \(payment.status)) is not one the drill requested")
        }

        let logsByTransaction = Dictionary(grouping: facts.paymentTokenLogs, by: \.transactionHash)
            .mapValues { $0.sorted { $0.logIndex < $1.logIndex } }
        var pairsUsed: [String: String] = [:]
        var paid = UInt256.zero
        var bought: [String: UInt64] = [:]
        /// Item keys of every row the drill requested: (payment, index, bought quantity, recipient,
        /// completed, served: owed its mints, neither refunded nor lost to the payer's re-spend).
        var items: [String: (payment: String, index: Int, quantity: Int, recipient: String, completed: Bool, served: Bool)] = [:]
        /// Completed payments whose settlement pair is not on the canonical chain (or is lost).
        var unsettled: Set<String> = []

        for expectation in expectations {
            let key = expectation.idempotencyKey
            switch expectation.enqueue {
            case .acknowledged: break
            case .refused(let code, let message): violations.append("request \(key) was refused (\(code)): \(message)")
            case .unanswered(let lastError): violations.append("request \(key) was never acknowledged (last error: \(lastError))")
            }
            let rows = rowsByKey[key] ?? []
            guard let row = rows.first else {
                if case .acknowledged(let id) = expectation.enqueue {
                    violations.append("request \(key) was acknowledged as payment \(id), but no payment row has its key")
                }
                continue
            }
            if rows.count > 1 { violations.append("request \(key) has \(rows.count) payment rows: \(rows.map(\.id).joined(separator: ", "))") }
            if case .acknowledged(let id) = expectation.enqueue, id.lowercased() != row.id {
                violations.append("request \(key) was acknowledged as payment \(id), but its row is payment \(row.id)")
            }
            let fieldProblems = mismatches(row, expectation)
            violations += fieldProblems.map { "payment \(row.id): \($0)" }
            if row.reorged && row.settlementLost == nil && row.status == "completed" {
                violations.append("payment \(row.id) is still being restored after a reorg")
            }
            let lostToRespend = row.settlementLost != nil && expectation.respent
            if let lost = row.settlementLost {
                if !lostToRespend { violations.append("payment \(row.id): settlement lost (\(lost))") }
                unsettled.insert(row.id)
            }
            if lostToRespend, let txHash = paidBy(expectation, logsByTransaction) {
                violations.append("payment \(row.id) is flagged settlement lost, but \(txHash) on chain paid the receiver with it")
            }

            let completed = row.status == "completed"
            let refunded = completed && row.refundTxHash != nil
            if let refund = row.refundTxHash, completed, !isRefund(logsByTransaction[refund] ?? [], to: expectation.payer) {
                violations.append("payment \(row.id) records refund \(refund), which is no transfer of the payment token to its payer on chain")
            }
            for index in 0..<(expectation.quantity + Self.extraItemsRecognised) {
                items[Self.mintKey(paymentID: row.id, index: index)] =
                    (row.id, index, expectation.quantity, expectation.recipient, completed, completed && !refunded && !lostToRespend)
            }
            if refunded { result.refunded += 1 }
            if completed && lostToRespend {
                // Never paid (the payer spent the nonce elsewhere): nothing is owed either way.
                result.lostToRespend += 1
                continue
            }
            if completed {
                guard let txHash = row.txHash, let logIndex = row.settlementLogIndex else {
                    violations.append("completed payment \(row.id) records no settlement pair")
                    continue
                }
                let pair = "\(txHash)#\(logIndex)"
                if let other = pairsUsed[pair] {
                    violations.append("settlement pair \(pair) pays both payment \(other) and payment \(row.id)")
                } else {
                    pairsUsed[pair] = row.id
                }
                if let problem = pairProblem(logsByTransaction[txHash] ?? [], txHash: txHash, logIndex: UInt64(max(0, logIndex)),
                                             expectation) {
                    violations.append("completed payment \(row.id): \(problem)")
                    unsettled.insert(row.id)
                }
                paid += expectation.amount
                if !refunded { bought[expectation.recipient, default: 0] += UInt64(expectation.quantity) }
            } else {
                let why = row.error.map { ": \($0)" } ?? ""
                violations.append("payment \(row.id) ended \(row.status)\(why); no fault of the drill lets it end other than completed")
                if let txHash = paidBy(expectation, logsByTransaction) {
                    violations.append("\(row.status) payment \(row.id) was paid on chain by \(txHash) (charged, never served)")
                }
            }
        }

        // Mints: each item of a completed payment once, to its recipient, of the mint amount.
        var mintCounts: [String: Int] = [:]
        for mint in facts.mints {
            guard mint.topics.count == 3 else {
                violations.append("a TokensMinted in \(mint.transactionHash) has \(mint.topics.count) topics, not 3")
                continue
            }
            let key = mint.topics[2]
            mintCounts[key, default: 0] += 1
            let to = "0x" + mint.topics[1].suffix(40)
            let amount = UInt256(hexData: mint.data)
            guard let item = items[key] else {
                violations.append("\(mint.transactionHash) minted \(amount.map(\.description) ?? mint.data) to \(to) under key \(key), "
                                  + "which no requested payment bought")
                continue
            }
            let name = "item \(item.index) of payment \(item.payment)"
            if !item.completed { violations.append("\(name) was minted (\(mint.transactionHash)), but the payment did not complete") }
            if item.completed && unsettled.contains(item.payment) {
                violations.append("\(name) was minted (\(mint.transactionHash)), but its payment is not settled on the canonical chain (minted unpaid)")
            }
            if item.completed && !item.served && !unsettled.contains(item.payment) {
                violations.append("\(name) was minted (\(mint.transactionHash)), but the payment was refunded")
            }
            if item.index >= item.quantity {
                violations.append("\(name) was minted (\(mint.transactionHash)), but the payment bought \(item.quantity) items")
            }
            if to != item.recipient { violations.append("\(name) was minted to \(to), but was bought for \(item.recipient)") }
            if amount != facts.mintAmount {
                violations.append("\(name) minted \(amount.map(\.description) ?? mint.data) tokens, not \(facts.mintAmount)")
            }
        }
        for (key, item) in items where item.served && item.index < item.quantity && mintCounts[key, default: 0] != 1 {
            violations.append("item \(item.index) of completed payment \(item.payment) was minted \(mintCounts[key, default: 0]) times")
        }
        result.mints = facts.mints.count

        // Balances.
        if facts.receiverAfter < facts.receiverBefore {
            violations.append("the receiver's balance fell from \(facts.receiverBefore) to \(facts.receiverAfter)")
        } else if facts.receiverAfter - facts.receiverBefore != paid {
            violations.append("the receiver gained \(facts.receiverAfter - facts.receiverBefore), completed payments sum to \(paid)")
        }
        let recipients = Set(facts.mintBalancesBefore.keys).union(facts.mintBalancesAfter.keys).union(bought.keys)
        for recipient in recipients.sorted() {
            let before = facts.mintBalancesBefore[recipient], after = facts.mintBalancesAfter[recipient]
            guard let before, let after else {
                violations.append("\(recipient) bought \(bought[recipient, default: 0]) items, but its mint balance was not read")
                continue
            }
            let expected = facts.mintAmount * UInt256(bought[recipient, default: 0])
            if after < before || after - before != expected {
                violations.append("\(recipient) went from \(before) to \(after) mint tokens; it bought \(expected)")
            }
        }
        result.paid = paid
        result.violations = violations
        return result
    }

    /// How `row` differs from what the drill requested, in words.
    private func mismatches(_ row: LedgerFacts.Payment, _ expectation: AuditExpectation) -> [String] {
        var problems: [String] = []
        func check(_ field: String, _ stored: String?, _ requested: String) {
            if stored != requested { problems.append("its \(field) is \(stored ?? "missing"), the request's is \(requested)") }
        }
        check("payer", row.payer, expectation.payer)
        check("authorization nonce", row.nonce, expectation.nonce)
        if let amount = UInt256(decimal: row.amount) {
            if amount != expectation.amount { problems.append("its amount is \(amount), the request's is \(expectation.amount)") }
        } else {
            problems.append("its amount \"\(row.amount)\" is not a decimal number")
        }
        check("payment token", row.paymentToken, expectation.paymentToken)
        check("mint token", row.mintToken, expectation.mintToken)
        check("quantity", row.quantity, String(expectation.quantity))
        check("recipient", row.recipient, expectation.recipient)
        return problems
    }

    /// Why the logs of `txHash` do not hold the request's pair at `logIndex`, or nil when they do:
    /// `AuthorizationUsed(payer, nonce)` there, and right after it `Transfer(payer → receiver, amount)`.
    private func pairProblem(_ logs: [LedgerFacts.Log], txHash: String, logIndex: UInt64, _ expectation: AuditExpectation) -> String? {
        guard !logs.isEmpty else {
            return "its transaction \(txHash) holds no log of the payment token on the canonical chain (not mined, reverted or reorged out)"
        }
        guard let position = logs.firstIndex(where: { $0.logIndex == logIndex }) else { return "\(txHash) has no log \(logIndex)" }
        guard isAuthorizationUsed(logs[position], expectation) else {
            return "log \(logIndex) of \(txHash) is not this authorization's AuthorizationUsed"
        }
        guard position + 1 < logs.count, logs[position + 1].logIndex == logIndex + 1,
              isPayment(logs[position + 1], expectation) else {
            return "the log after \(logIndex) in \(txHash) is not Transfer(payer → receiver, \(expectation.amount))"
        }
        return nil
    }

    /// A transaction on chain that used this authorization and paid the receiver with it.
    private func paidBy(_ expectation: AuditExpectation, _ logsByTransaction: [String: [LedgerFacts.Log]]) -> String? {
        for log in facts.paymentTokenLogs where isAuthorizationUsed(log, expectation) {
            let logs = logsByTransaction[log.transactionHash] ?? []
            if let next = logs.first(where: { $0.logIndex == log.logIndex + 1 }), isPayment(next, expectation) {
                return log.transactionHash
            }
        }
        return nil
    }

    /// Whether `logs` (one transaction's) hold a transfer of the payment token to `payer`.
    private func isRefund(_ logs: [LedgerFacts.Log], to payer: String) -> Bool {
        logs.contains { log in
            log.address == facts.paymentToken && log.topics.count == 3 && log.topics[0] == EventTopic.transfer.hex
                && log.topics[2] == Self.word(payer) && (UInt256(hexData: log.data) ?? .zero) > .zero
        }
    }

    private func isAuthorizationUsed(_ log: LedgerFacts.Log, _ expectation: AuditExpectation) -> Bool {
        log.address == facts.paymentToken && log.topics == [EventTopic.authorizationUsed.hex, Self.word(expectation.payer), expectation.nonce]
    }

    private func isPayment(_ log: LedgerFacts.Log, _ expectation: AuditExpectation) -> Bool {
        log.address == facts.paymentToken
            && log.topics == [EventTopic.transfer.hex, Self.word(expectation.payer), Self.word(facts.receiver)]
            && UInt256(hexData: log.data) == expectation.amount
    }

    /// A lowercase address as a 32-byte topic.
    static func word(_ address: String) -> String {
        "0x" + String(repeating: "0", count: 24) + address.lowercased().dropFirst(2)
    }
}

extension UInt256 {
    /// A log's 32-byte data word; nil unless it is exactly one word of hex.
    init?(hexData text: String) {
        guard let bytes = try? Hex.decode(text), bytes.count == 32, let value = try? UInt256(bigEndian: bytes) else { return nil }
        self = value
    }
}
