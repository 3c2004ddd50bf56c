import JSON

/// One 402 that both generations of client can pay (X402-FACTS.md section 2): the version 2
/// `PaymentRequired` base64-encoded for the `PAYMENT-REQUIRED` header, and the version 1 body
/// `{x402Version: 1, error, accepts}`, to which the seed's `message` is added so that every
/// error body is `{error, message}`.
public struct PaymentChallenge: Sendable, Hashable {
    /// `payment_required` for a plain challenge, else why the payment sent was not accepted.
    public var error: String
    /// A sentence for the buyer.
    public var message: String
    public var resource: ResourceInfo
    /// The same offers twice: with version 1 network names, and with CAIP-2 names.
    public var acceptsV1: [PaymentRequirements]
    public var acceptsV2: [PaymentRequirements]
    /// Version 2's `extensions`: what the server supports (`payment-identifier`), nil for none.
    public var extensions: JSONValue?

    public init(error: String, message: String, resource: ResourceInfo, acceptsV1: [PaymentRequirements], acceptsV2: [PaymentRequirements],
                extensions: JSONValue? = nil) {
        self.extensions = extensions
        self.error = error
        self.message = message
        self.resource = resource
        self.acceptsV1 = acceptsV1
        self.acceptsV2 = acceptsV2
    }

    /// The version 1 body (the seed's shape, plus `message`).
    public var v1Body: JSONValue {
        ["x402Version": 1, "error": .string(error), "message": .string(message),
         "accepts": .array(acceptsV1.map { $0.wire(version: 1) })]
    }

    /// Version 2's `PaymentRequired` object.
    public var v2Object: JSONValue {
        var fields: [String: JSONValue] = ["x402Version": 2, "error": .string(error), "resource": resource.wire,
                                           "accepts": .array(acceptsV2.map { $0.wire(version: 2) })]
        if let extensions { fields["extensions"] = extensions }
        return .object(fields)
    }

    /// The value of the `PAYMENT-REQUIRED` header.
    public var v2Header: String { Base64JSON.encode(v2Object) }

    /// What a buyer reads from a 402: the version 2 header when there is one (reference clients
    /// prefer it), else a version 1 body.
    public static func offers(paymentRequiredHeader: String?, body: [UInt8]) throws(X402PayloadError) -> (version: Int, accepts: [PaymentRequirements], resource: ResourceInfo?) {
        if let header = paymentRequiredHeader {
            let value = try Base64JSON.decode(header, name: "PAYMENT-REQUIRED")
            let accepts = try requirementsList(value, version: 2)
            let resourceURL = value["resource"]?["url"]?.stringValue
            return (2, accepts, resourceURL.map {
                ResourceInfo(url: $0, description: value["resource"]?["description"]?.stringValue,
                             mimeType: value["resource"]?["mimeType"]?.stringValue)
            })
        }
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try StrictJSONParser.parse(body)
        } catch {
            throw X402PayloadError(field: nil, message: "The 402 has no PAYMENT-REQUIRED header and its body is not JSON: \(error)")
        }
        guard value["x402Version"]?.intValue == 1 else {
            throw X402PayloadError(field: "x402Version", message: "The 402 has no PAYMENT-REQUIRED header and its body is not x402 version 1.")
        }
        return (1, try requirementsList(value, version: 1), nil)
    }

    private static func requirementsList(_ value: JSONValue, version: Int) throws(X402PayloadError) -> [PaymentRequirements] {
        guard let list = value["accepts"]?.arrayValue, !list.isEmpty else {
            throw X402PayloadError(field: "accepts", message: "The 402 offers no way to pay (accepts is missing or empty).")
        }
        var accepts: [PaymentRequirements] = []
        for (index, item) in list.enumerated() {
            accepts.append(try PaymentRequirements(wire: item, version: version, path: "accepts[\(index)]"))
        }
        return accepts
    }
}
