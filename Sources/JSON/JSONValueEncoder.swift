/// Turns an `Encodable` value into a `JSONValue`, so that `Codable` types (an authorization as
/// stored, a list of transaction attempts) are written by the one `JSONWriter` rather than by a
/// second writer such as Foundation's `JSONEncoder`.
///
/// Booleans, strings, finite floating-point numbers, integers that fit in `Int64` and
/// `JSONValue`s are taken as they are; anything else goes through its `encode(to:)`. A
/// non-finite number or an integer beyond `Int64` cannot be written as this module's JSON and
/// throws `EncodingError.invalidValue`.
final class JSONValueEncoder: Encoder {
    /// What one key or array slot holds: a finished value, or a container still being filled.
    fileprivate enum Slot {
        case value(JSONValue)
        case container(JSONValueEncoder)

        var json: JSONValue {
            switch self {
            case .value(let value): value
            case .container(let encoder): encoder.value
            }
        }
    }

    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    fileprivate var single: JSONValue?
    fileprivate var fields: [String: Slot]?
    fileprivate var elements: [Slot]?

    init(codingPath: [any CodingKey] = []) {
        self.codingPath = codingPath
    }

    /// The JSON of `value`.
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try boxed(value, codingPath: [])
    }

    /// What has been encoded so far; a value that asked for no container is an empty object,
    /// as `JSONEncoder` writes it.
    var value: JSONValue {
        if let fields { return .object(fields.mapValues(\.json)) }
        if let elements { return .array(elements.map(\.json)) }
        return single ?? .object([:])
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if fields == nil { fields = [:] }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if elements == nil { elements = [] }
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self)
    }

    fileprivate static func boxed<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> JSONValue {
        switch value {
        case let json as JSONValue:
            return json
        case let flag as Bool:
            return .bool(flag)
        case let text as String:
            return .string(text)
        case let number as any BinaryFloatingPoint:
            let double = Double(number)
            guard double.isFinite else { throw invalid(value, codingPath, "a non-finite number has no JSON form") }
            return .double(double)
        case let number as any BinaryInteger:
            guard let exact = Int64(exactly: number) else { throw invalid(value, codingPath, "\(number) does not fit in Int64") }
            return .int(exact)
        default:
            let encoder = JSONValueEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            return encoder.value
        }
    }

    private static func invalid(_ value: Any, _ codingPath: [any CodingKey], _ reason: String) -> EncodingError {
        .invalidValue(value, EncodingError.Context(codingPath: codingPath, debugDescription: reason))
    }

    fileprivate func nested(_ key: any CodingKey) -> JSONValueEncoder {
        JSONValueEncoder(codingPath: codingPath + [key])
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) throws {
        encoder.fields?[key.stringValue] = .value(.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        encoder.fields?[key.stringValue] = .value(try JSONValueEncoder.boxed(value, codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = encoder.nested(key)
        encoder.fields?[key.stringValue] = .container(child)
        return child.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = encoder.nested(key)
        encoder.fields?[key.stringValue] = .container(child)
        return child.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(named: JSONIndexKey(stringValue: "super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(named: key)
    }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let child = encoder.nested(key)
        encoder.fields?[key.stringValue] = .container(child)
        return child
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.elements?.count ?? 0 }

    mutating func encodeNil() throws {
        encoder.elements?.append(.value(.null))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [JSONIndexKey(intValue: count)]
        encoder.elements?.append(.value(try JSONValueEncoder.boxed(value, codingPath: path)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        nextChild().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        nextChild().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        nextChild()
    }

    private func nextChild() -> JSONValueEncoder {
        let child = encoder.nested(JSONIndexKey(intValue: count))
        encoder.elements?.append(.container(child))
        return child
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws {
        encoder.single = .null
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.single = try JSONValueEncoder.boxed(value, codingPath: codingPath)
    }
}
