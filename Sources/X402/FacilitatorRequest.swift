import JSON

/// The body of a facilitator's `/verify` and `/settle`, both versions:
/// `{x402Version, paymentPayload, paymentRequirements}`.
public struct FacilitatorRequest: Sendable, Hashable {
    public var x402Version: Int
    public var paymentPayload: PaymentPayload
    public var paymentRequirements: PaymentRequirements

    public init(x402Version: Int, paymentPayload: PaymentPayload, paymentRequirements: PaymentRequirements) {
        self.x402Version = x402Version
        self.paymentPayload = paymentPayload
        self.paymentRequirements = paymentRequirements
    }

    /// Parses a request body; the payload's version decides the requirements' shape.
    public init(body: [UInt8]) throws(X402PayloadError) {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try StrictJSONParser.parse(body)
        } catch {
            throw X402PayloadError(field: nil, message: "The request body is not JSON: \(error)")
        }
        guard value.objectValue != nil else { throw X402PayloadError(field: nil, message: "The request body must be a JSON object.") }
        guard let payload = value["paymentPayload"] else { throw X402PayloadError(field: "paymentPayload", message: "is missing") }
        paymentPayload = try PaymentPayload(wire: payload)
        x402Version = value["x402Version"]?.intValue.map(Int.init) ?? paymentPayload.x402Version
        guard let requirements = value["paymentRequirements"] else {
            throw X402PayloadError(field: "paymentRequirements", message: "is missing")
        }
        paymentRequirements = try PaymentRequirements(wire: requirements, version: paymentPayload.x402Version)
    }

    public var wire: JSONValue {
        ["x402Version": .int(Int64(x402Version)), "paymentPayload": paymentPayload.wire,
         "paymentRequirements": paymentRequirements.wire(version: paymentPayload.x402Version)]
    }
}
