import JSON
import PaymentModel

extension PaymentSnapshot {
    /// What `status`, `retry`, `cancel` and each `list` entry return. Every key is always
    /// present (absent values are `null`), so clients can rely on the shape.
    public var wireValue: JSONValue {
        [
            "payment_id": .string(paymentID),
            "type": .string(type.rawValue),
            "status": .string(status.rawValue),
            "payer": .string(payer),
            "amount": .string(amount),
            "payment_token": .string(paymentToken),
            "token": token.map(JSONValue.string) ?? .null,
            "tx_hash": txHash.map(JSONValue.string) ?? .null,
            "error": error.map(JSONValue.string) ?? .null,
            "created_at": .string(RFC3339Time.format(createdAt)),
            "processed_at": processedAt.map { .string(RFC3339Time.format($0)) } ?? .null,
            "result": result ?? .null,
            "metadata": metadata ?? .null,
            "signer": signer.map(JSONValue.string) ?? .null,
            "nonce": nonce.map(JSONValue.int) ?? .null,
            "attempts": .array(attempts.map(JSONValue.string)),
            "mints": .array(mints.map(\.wireValue)),
            "confirmed_block": confirmedBlock.map(JSONValue.int) ?? .null,
            "finalized": .bool(finalized),
            "restoring": .bool(restoring),
            "settlement_lost": settlementLost.map(JSONValue.string) ?? .null,
            "refund_due": refundDue.map(JSONValue.string) ?? .null,
            "refund_tx_hash": refundTxHash.map(JSONValue.string) ?? .null,
            "refund_amount": refundAmount.map(JSONValue.string) ?? .null,
        ]
    }

    public init(wire value: JSONValue) throws(JSONShapeError) {
        try self.init(wire: JSONObjectReader(value))
    }

    init(wire object: JSONObjectReader) throws(JSONShapeError) {
        var attempts: [String] = []
        for (index, attempt) in (try object.optionalArray("attempts") ?? []).enumerated() {
            guard case .string(let hash) = attempt else {
                throw object.error("attempts[\(index)]", "must be a string")
            }
            attempts.append(hash)
        }
        let mints = object.value("mints") == nil ? [] : try object.objects("mints").map(MintSnapshot.init(wire:))
        self.init(
            paymentID: try object.paymentID("payment_id"),
            type: try object.enumeration("type", PaymentType.self),
            status: try object.enumeration("status", PaymentStatus.self),
            payer: try object.string("payer"),
            amount: try object.decimalText("amount"),
            paymentToken: try object.string("payment_token"),
            token: try object.optionalString("token"),
            txHash: try object.optionalString("tx_hash"),
            error: try object.optionalString("error"),
            createdAt: try object.date("created_at"),
            processedAt: try object.optionalDate("processed_at"),
            result: object.value("result"),
            metadata: object.value("metadata"),
            signer: try object.optionalString("signer"),
            nonce: try object.optionalInt("nonce"),
            attempts: attempts,
            mints: mints,
            confirmedBlock: try object.optionalInt("confirmed_block"),
            finalized: try object.optionalBool("finalized") ?? false,
            restoring: try object.optionalBool("restoring") ?? false,
            settlementLost: try object.optionalString("settlement_lost"),
            refundDue: try object.optionalString("refund_due"),
            refundTxHash: try object.optionalString("refund_tx_hash"),
            refundAmount: try object.optionalString("refund_amount"))
    }
}
