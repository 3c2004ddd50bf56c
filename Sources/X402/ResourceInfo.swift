import JSON

/// What is being paid for: version 2's `resource` object of a 402, version 1's `resource`,
/// `description` and `mimeType` fields of each requirement.
public struct ResourceInfo: Sendable, Hashable {
    public var url: String
    public var description: String?
    public var mimeType: String?

    public init(url: String, description: String? = nil, mimeType: String? = nil) {
        self.url = url
        self.description = description
        self.mimeType = mimeType
    }

    public var wire: JSONValue {
        var fields: [String: JSONValue] = ["url": .string(url)]
        if let description { fields["description"] = .string(description) }
        if let mimeType { fields["mimeType"] = .string(mimeType) }
        return .object(fields)
    }
}
