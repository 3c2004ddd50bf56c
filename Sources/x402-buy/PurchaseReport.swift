import X402Buyer

/// What `x402-buy` prints: one purchase in full, or many as counts and percentiles.
enum PurchaseReport {
    static func succeeded(_ record: PurchaseFlow.Record, followed: Bool) -> Bool {
        guard record.error == nil, let status = record.payStatus, status == 200 || status == 202 else { return false }
        return !followed || status == 200 || record.finalStatus == "completed"
    }

    static func single(_ record: PurchaseFlow.Record) -> String {
        var lines = ["402 challenge: HTTP \(record.challengeStatus)"]
        if let status = record.payStatus { lines.append("payment: HTTP \(status) \(record.payBody)") }
        if let receipt = record.receipt {
            lines.append("receipt: success \(receipt.success), transaction \(receipt.transaction.isEmpty ? "-" : receipt.transaction), "
                         + "network \(receipt.network)\(receipt.errorReason.map { ", reason \($0)" } ?? "")")
        }
        if let id = record.paymentID { lines.append("payment id: \(id)") }
        if let status = record.finalStatus { lines.append("status: \(status)\(record.txHash.map { " (tx \($0))" } ?? "")") }
        if let seconds = record.payToCompleted { lines.append("pay -> completed: \((seconds * 1000).rounded() / 1000) s") }
        if let error = record.error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }

    static func summary(_ records: [PurchaseFlow.Record], seconds: Double) -> String {
        var statuses: [String: Int] = [:]
        for record in records {
            let key = record.error != nil && record.payStatus == nil ? "error" : "HTTP \(record.payStatus ?? record.challengeStatus)"
            statuses[key, default: 0] += 1
        }
        var finals: [String: Int] = [:]
        for record in records { finals[record.finalStatus ?? "unknown", default: 0] += 1 }
        let answered = LatencySummary(seconds: records.compactMap(\.payToAnswer))
        let completed = LatencySummary(seconds: records.compactMap(\.payToCompleted))
        var lines = ["\(records.count) purchases in \((seconds * 10).rounded() / 10) s "
                     + "(\(Int((Double(records.count) / max(seconds, 0.001)).rounded())) per second)",
                     "answers: " + statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                     "payment statuses: " + finals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                     "pay -> answer: \(answered.text)",
                     "pay -> completed: \(completed.text)"]
        if let error = records.first(where: { $0.error != nil })?.error { lines.append("first error: \(error)") }
        return lines.joined(separator: "\n")
    }
}
