import JSON

/// x402's `SettleResponse`: the body of the facilitator's `/settle` and, base64-encoded, the
/// `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE` receipt header of a resource route.
///
/// `transaction` is always present (`""` when there is none) and so is `network`: the
/// reference SDKs refuse a receipt without them, even a failed one.
public struct SettlementResponse: Sendable, Hashable {
    public var success: Bool
    public var errorReason: String?
    public var transaction: String
    public var network: String
    public var payer: String?
    /// Extension data for the buyer (the payment identifier echoed), nil for none.
    public var extensions: JSONValue?

    public init(success: Bool, errorReason: String? = nil, transaction: String, network: String, payer: String?, extensions: JSONValue? = nil) {
        self.extensions = extensions
        self.success = success
        self.errorReason = errorReason
        self.transaction = transaction
        self.network = network
        self.payer = payer
    }

    public var wire: JSONValue {
        var fields: [String: JSONValue] = ["success": .bool(success), "transaction": .string(transaction), "network": .string(network)]
        if let errorReason { fields["errorReason"] = .string(errorReason) }
        if let payer { fields["payer"] = .string(payer) }
        if let extensions { fields["extensions"] = extensions }
        return .object(fields)
    }

    public var headerValue: String { Base64JSON.encode(wire) }

    /// Reads a receipt header (what a buyer does).
    public init(header: String, name: String) throws(X402PayloadError) {
        let value = try Base64JSON.decode(header, name: name)
        guard let success = value["success"]?.boolValue else {
            throw X402PayloadError(field: "success", message: "The \(name) receipt has no boolean success.")
        }
        self.init(success: success, errorReason: value["errorReason"]?.stringValue,
                  transaction: value["transaction"]?.stringValue ?? "", network: value["network"]?.stringValue ?? "",
                  payer: value["payer"]?.stringValue, extensions: value["extensions"])
    }
}
