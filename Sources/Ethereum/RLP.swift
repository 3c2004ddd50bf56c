/// Recursive Length Prefix, the serialisation of Ethereum transactions.
///
/// It exists because a signed transaction is exactly its RLP bytes: the hash the chain reports
/// is keccak of these bytes, and the engine re-reads stored raw transactions at recovery. So the
/// encoder is canonical and the decoder strict: it refuses every non-canonical form (a single
/// byte below 0x80 wrapped in a header, a long form for a short length, leading zeros in a
/// length), truncated input, trailing bytes and nesting deeper than `maximumDepth`.
public enum RLP {
    /// Deepest list nesting `decode` accepts (transactions need 3); deeper input is refused
    /// rather than risking the stack.
    public static let maximumDepth = 64

    public static func encode(_ item: RLPItem) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(encodedLength(item))
        append(item, to: &output)
        return output
    }

    /// Decodes exactly one item that spans all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(EthereumError) -> RLPItem {
        var reader = RLPReader(bytes: bytes)
        let item = try reader.readItem(end: bytes.count, depth: 0)
        guard reader.position == bytes.count else {
            throw .invalidRLP("\(bytes.count - reader.position) trailing byte(s) after the item")
        }
        return item
    }

    static func encodedLength(_ item: RLPItem) -> Int {
        switch item {
        case .bytes(let bytes):
            if bytes.count == 1 && bytes[0] < 0x80 { return 1 }
            return headerLength(payload: bytes.count) + bytes.count
        case .list(let items):
            let payload = items.reduce(0) { $0 + encodedLength($1) }
            return headerLength(payload: payload) + payload
        }
    }

    private static func append(_ item: RLPItem, to output: inout [UInt8]) {
        switch item {
        case .bytes(let bytes):
            if bytes.count == 1 && bytes[0] < 0x80 {
                output.append(bytes[0])
            } else {
                appendHeader(shortBase: 0x80, payload: bytes.count, to: &output)
                output.append(contentsOf: bytes)
            }
        case .list(let items):
            appendHeader(shortBase: 0xc0, payload: items.reduce(0) { $0 + encodedLength($1) }, to: &output)
            for child in items {
                append(child, to: &output)
            }
        }
    }

    private static func headerLength(payload: Int) -> Int {
        payload < 56 ? 1 : 1 + minimalBytes(UInt64(payload)).count
    }

    /// Short form: base + length. Long form: base + 55 + length-of-length, then the length.
    private static func appendHeader(shortBase: UInt8, payload: Int, to output: inout [UInt8]) {
        if payload < 56 {
            output.append(shortBase + UInt8(payload))
        } else {
            let length = minimalBytes(UInt64(payload))
            output.append(shortBase + 55 + UInt8(length.count))
            output.append(contentsOf: length)
        }
    }

    static func minimalBytes(_ value: UInt64) -> [UInt8] {
        var bytes = [UInt8]()
        var rest = value
        while rest != 0 {
            bytes.insert(UInt8(truncatingIfNeeded: rest), at: 0)
            rest >>= 8
        }
        return bytes
    }
}

/// A cursor over RLP input that validates every header against the bytes that remain.
private struct RLPReader {
    let bytes: [UInt8]
    var position = 0

    mutating func readItem(end: Int, depth: Int) throws(EthereumError) -> RLPItem {
        guard position < end else { throw .invalidRLP("input ends where an item should start (offset \(position))") }
        let prefix = bytes[position]
        switch prefix {
        case 0x00...0x7f:
            position += 1
            return .bytes([prefix])
        case 0x80...0xbf:
            let (start, length) = try readHeader(shortBase: 0x80, end: end)
            if length == 1 && bytes[start] < 0x80 {
                throw .invalidRLP("the byte 0x\(Hex.encode([bytes[start]], prefix: false)) at offset \(start) must be encoded as itself, not as a one-byte string")
            }
            position = start + length
            return .bytes(Array(bytes[start..<position]))
        default:
            guard depth < RLP.maximumDepth else { throw .invalidRLP("lists nested deeper than \(RLP.maximumDepth) levels") }
            let (start, length) = try readHeader(shortBase: 0xc0, end: end)
            let listEnd = start + length
            position = start
            var items = [RLPItem]()
            while position < listEnd {
                items.append(try readItem(end: listEnd, depth: depth + 1))
            }
            return .list(items)
        }
    }

    /// Reads the header at `position` and returns where the payload starts and its length,
    /// having checked that the payload lies within `end`.
    private mutating func readHeader(shortBase: UInt8, end: Int) throws(EthereumError) -> (start: Int, length: Int) {
        let prefix = bytes[position]
        let kind = shortBase == 0x80 ? "string" : "list"
        if prefix <= shortBase + 55 {
            let length = Int(prefix - shortBase)
            let start = position + 1
            guard length <= end - start else { throw .invalidRLP("\(kind) at offset \(position) claims \(length) bytes but only \(end - start) remain") }
            return (start, length)
        }
        let lengthOfLength = Int(prefix - shortBase - 55)
        let lengthStart = position + 1
        guard lengthOfLength <= end - lengthStart else { throw .invalidRLP("\(kind) length at offset \(position) is cut off") }
        guard bytes[lengthStart] != 0 else { throw .invalidRLP("\(kind) length at offset \(position) has a leading zero byte") }
        var length: UInt64 = 0
        for byte in bytes[lengthStart..<(lengthStart + lengthOfLength)] {
            length = length << 8 | UInt64(byte)
        }
        guard length >= 56 else { throw .invalidRLP("\(kind) at offset \(position) uses the long form for a length of \(length) (below 56)") }
        let start = lengthStart + lengthOfLength
        guard length <= UInt64(end - start) else {
            throw .invalidRLP("\(kind) at offset \(position) claims \(length) bytes but only \(end - start) remain")
        }
        return (start, Int(length))
    }
}
