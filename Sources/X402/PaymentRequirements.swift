import JSON

/// What one way of paying for a resource asks: x402's `PaymentRequirements` for the `exact`
/// scheme on EVM, in the shape of either version.
///
/// Version 1 calls the amount `maxAmountRequired` and carries the resource's URL, description
/// and MIME type in each requirement; version 2 calls it `amount` and moves those to the
/// `resource` object of the 402 (`ResourceInfo`). `extra` is the token's EIP-712 domain and is
/// always written with its `version`: buyers' SDKs silently default a missing one to "1" and
/// sign for the wrong domain.
public struct PaymentRequirements: Sendable, Hashable {
    public var scheme: String
    /// The chain in the spelling of the message's version (`base-sepolia` or `eip155:84532`).
    public var network: String
    /// Atomic units of `asset`, decimal.
    public var amount: String
    public var asset: String
    public var payTo: String
    public var maxTimeoutSeconds: Int64
    /// The token's EIP-712 domain name and version (`extra.name`, `extra.version`).
    public var domainName: String?
    public var domainVersion: String?
    /// Version 1 only: the resource, its description and MIME type, and the seed's `outputSchema`.
    public var resource: ResourceInfo?
    public var outputSchema: JSONValue?

    public init(scheme: String = "exact", network: String, amount: String, asset: String, payTo: String,
                maxTimeoutSeconds: Int64, domainName: String?, domainVersion: String?,
                resource: ResourceInfo? = nil, outputSchema: JSONValue? = nil) {
        self.scheme = scheme
        self.network = network
        self.amount = amount
        self.asset = asset
        self.payTo = payTo
        self.maxTimeoutSeconds = maxTimeoutSeconds
        self.domainName = domainName
        self.domainVersion = domainVersion
        self.resource = resource
        self.outputSchema = outputSchema
    }

    /// The JSON of `version` (1 or 2).
    public func wire(version: Int) -> JSONValue {
        var fields: [String: JSONValue] = [
            "scheme": .string(scheme), "network": .string(network), "asset": .string(asset),
            "payTo": .string(payTo), "maxTimeoutSeconds": .int(maxTimeoutSeconds),
        ]
        var extra: [String: JSONValue] = [:]
        if let domainName { extra["name"] = .string(domainName) }
        if let domainVersion { extra["version"] = .string(domainVersion) }
        fields["extra"] = .object(extra)
        if version == 1 {
            fields["maxAmountRequired"] = .string(amount)
            fields["resource"] = .string(resource?.url ?? "")
            fields["description"] = .string(resource?.description ?? "")
            fields["mimeType"] = .string(resource?.mimeType ?? "application/json")
            if let outputSchema { fields["outputSchema"] = outputSchema }
        } else {
            fields["amount"] = .string(amount)
        }
        return .object(fields)
    }

    /// Reads requirements of `version` as a resource server or a buyer sent them.
    public init(wire value: JSONValue, version: Int, path: String = "paymentRequirements") throws(X402PayloadError) {
        do throws(JSONShapeError) {
            let object = try JSONObjectReader(value, path: path)
            scheme = try object.string("scheme")
            network = try object.string("network")
            amount = try object.string(version == 1 ? "maxAmountRequired" : "amount")
            asset = try object.string("asset")
            payTo = try object.string("payTo")
            guard let timeout = object.value("maxTimeoutSeconds")?.intValue else {
                throw object.error("maxTimeoutSeconds", "must be an integer")
            }
            maxTimeoutSeconds = timeout
            let extra = object.value("extra")?.objectValue
            domainName = extra?["name"]?.stringValue
            domainVersion = extra?["version"]?.stringValue
            if version == 1 {
                resource = ResourceInfo(url: try object.optionalString("resource") ?? "",
                                        description: try object.optionalString("description"),
                                        mimeType: try object.optionalString("mimeType"))
                outputSchema = object.value("outputSchema")
            } else {
                resource = nil
                outputSchema = nil
            }
        } catch {
            throw X402PayloadError(field: error.field, message: error.reason)
        }
        guard DecimalText.isUnsigned(amount) else {
            throw X402PayloadError(field: path + (version == 1 ? ".maxAmountRequired" : ".amount"),
                                   message: "must be a decimal string of atomic units")
        }
    }

    /// Whether `other` asks for the same payment: scheme, network, amount, timeout and domain
    /// exactly, addresses in any letter case. (Descriptions and resource details do not count.)
    public func asksTheSame(as other: PaymentRequirements) -> Bool {
        scheme == other.scheme && network == other.network && amount == other.amount
            && asset.lowercased() == other.asset.lowercased() && payTo.lowercased() == other.payTo.lowercased()
            && maxTimeoutSeconds == other.maxTimeoutSeconds && domainName == other.domainName
            && domainVersion == other.domainVersion
    }
}
