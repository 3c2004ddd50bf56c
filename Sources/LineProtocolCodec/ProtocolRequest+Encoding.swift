import JSON

extension ProtocolRequest {
    /// The request as the JSON object a client sends; `ProtocolRequest(json:)` reads it back
    /// to an equal value.
    public var wireValue: JSONValue {
        var fields: [String: JSONValue] = ["id": id, "cmd": .string(command.name.rawValue)]
        switch command {
        case .enqueue(let request):
            fields["payment"] = request.wirePayment
            if let key = request.idempotencyKey { fields["idempotency_key"] = .string(key) }
            if request.signFirst { fields["sign_first"] = true }
        case .status(let paymentID), .retry(let paymentID), .retryMint(let paymentID), .cancel(let paymentID):
            fields["payment_id"] = .string(paymentID)
        case .refund(let paymentID, let txHash):
            fields["payment_id"] = .string(paymentID)
            fields["tx_hash"] = .string(txHash)
        case .list(let filter):
            if let status = filter.status { fields["status"] = .string(status.rawValue) }
            if let payer = filter.payer { fields["payer"] = .string(payer) }
            if let olderThan = filter.olderThanSeconds { fields["older_than_seconds"] = .double(olderThan) }
            if filter.settlementLost { fields["settlement_lost"] = true }
            if filter.refundDue { fields["refund_due"] = true }
            if let nonce = filter.nonce { fields["nonce"] = .string(nonce) }
            fields["limit"] = .int(Int64(filter.limit))
        case .settingsGet:
            fields["action"] = "get"
        case .settingsSet(let key, let value):
            fields["action"] = "set"
            fields["key"] = .string(key)
            fields["value"] = .string(value)
        case .watch(let paymentID):
            if let paymentID { fields["payment_id"] = .string(paymentID) }
        case .pricesSet(let price):
            fields["action"] = "set"
            fields["product"] = .string(price.product)
            fields["payment_token"] = .string(price.paymentToken)
            fields["unit_price"] = .string(price.unitPrice)
            fields["max_quantity"] = .int(Int64(price.maxQuantity))
        case .pricesUnset(let product):
            fields["action"] = "unset"
            fields["product"] = .string(product)
        case .stats, .stop, .ping, .version, .prices:
            break
        }
        return .object(fields)
    }

    /// The request as one protocol line, newline included.
    public var line: [UInt8] { JSONWriter.line(wireValue) }
}
