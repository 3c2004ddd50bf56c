import JSON
import LineProtocolCodec
import PaymentModel

/// The replaced system's JSON shapes (SEED-FACTS.md), built from paymentd's snapshots, so its
/// existing clients read mint-server's answers unchanged: camelCase, amounts as strings,
/// times as ISO 8601. Fields are added, never renamed.
public enum SeedViews {
    /// `GET /api/payment/:paymentId`: the seed's fields plus `tokenAddress`, `quantity`,
    /// `attempts` and `mints` (each job's status and transaction).
    public static func payment(_ payment: PaymentSnapshot) -> JSONValue {
        var fields: [String: JSONValue] = [
            "paymentId": .string(payment.paymentID),
            "paymentType": .string(payment.type.rawValue),
            "status": .string(payment.status.rawValue),
            "payer": .string(payment.payer),
            "amount": .string(payment.amount),
            "paymentTokenAddress": .string(payment.paymentToken),
            "tokenAddress": payment.token.map(JSONValue.string) ?? .null,
            "txHash": payment.txHash.map(JSONValue.string) ?? .null,
            "error": payment.error.map(JSONValue.string) ?? .null,
            "createdAt": .string(RFC3339Time.format(payment.createdAt)),
            "processedAt": payment.processedAt.map { .string(RFC3339Time.format($0)) } ?? .null,
            "attempts": .array(payment.attempts.map(JSONValue.string)),
            "mints": .array(payment.mints.map { mint in
                ["index": .int(Int64(mint.index)), "recipient": .string(mint.recipient), "status": .string(mint.status.rawValue),
                 "txHash": mint.txHash.map(JSONValue.string) ?? .null, "dedupeHash": .string(mint.dedupeHash),
                 "error": mint.error.map(JSONValue.string) ?? .null]
            }),
        ]
        if let result = payment.result, result != .null { fields["result"] = result }
        if let quantity = payment.metadata?["quantity"] { fields["quantity"] = quantity }
        if payment.settlementLost != nil { fields["settlementLost"] = .string(payment.settlementLost ?? "") }
        return .object(fields)
    }

    /// `GET /api/payment-stats` and `GET /api/payment/stats`: the six counts and `nonceState`,
    /// plus the queue's health numbers and the mint counts.
    public static func stats(_ stats: PaymentStats) -> JSONValue {
        let wire = stats.wireValue
        var fields: [String: JSONValue] = [:]
        for status in PaymentStatus.allCases { fields[status.rawValue] = .int(Int64(stats.counts[status] ?? 0)) }
        fields["nonceState"] = wire["nonceState"] ?? ["currentNonce": nil, "lastUsedNonce": nil]
        fields["queueDepth"] = .int(Int64(stats.queueDepth))
        fields["oldestPendingAgeSeconds"] = stats.oldestPendingAgeSeconds.map(JSONValue.double) ?? .null
        fields["oldestSentAgeSeconds"] = stats.oldestSentAgeSeconds.map(JSONValue.double) ?? .null
        fields["confirmationRate"] = stats.confirmationRate.map(JSONValue.double) ?? .null
        fields["averageProcessingSeconds"] = stats.averageProcessingSeconds.map(JSONValue.double) ?? .null
        fields["mints"] = .object(Dictionary(uniqueKeysWithValues: MintStatus.allCases.map { ($0.rawValue, JSONValue.int(Int64(stats.mintCounts[$0] ?? 0))) }))
        return .object(fields)
    }
}
