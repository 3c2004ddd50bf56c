/// JSON text for `Codable` values (an authorization as stored, transaction attempts, stored
/// metadata), through the one parser and the one writer: compact, keys sorted, and read as
/// strictly as every other JSON here.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        JSONWriter.bytes(try JSONValueEncoder.encode(value))
    }

    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONValueDecoder.decode(type, from: try StrictJSONParser.parse(bytes))
    }
}
