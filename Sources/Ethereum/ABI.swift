/// Solidity ABI encoding of calldata and decoding of return data, for exactly the types the
/// settlement engine uses: static words and the two dynamic arrays of `batchMint`.
///
/// It exists so calldata is built from typed values (an `Address`, a `UInt256`), never by string
/// concatenation; the tests compare every builder with eth-abi byte for byte.
public enum ABI {
    /// The first four bytes of keccak256 of a canonical signature such as `"balanceOf(address)"`.
    public static func selector(_ signature: String) -> [UInt8] {
        Array(Keccak256.hash(utf8: signature).prefix(4))
    }

    /// The selector followed by the encoded arguments.
    public static func calldata(_ signature: String, _ values: [ABIValue]) -> [UInt8] {
        selector(signature) + encode(values)
    }

    /// Head/tail encoding of a tuple of values: static values in place, dynamic ones as an
    /// offset (from the start of the tuple) to their tail.
    public static func encode(_ values: [ABIValue]) -> [UInt8] {
        var head = [UInt8]()
        var tail = [UInt8]()
        let headSize = 32 * values.count
        for value in values {
            if value.isDynamic {
                head += ABIWord.uint256(UInt256(UInt64(headSize + tail.count)))
                tail += encodeInPlace(value)
            } else {
                head += encodeInPlace(value)
            }
        }
        return head + tail
    }

    private static func encodeInPlace(_ value: ABIValue) -> [UInt8] {
        switch value {
        case .address(let address): ABIWord.address(address)
        case .uint256(let number): ABIWord.uint256(number)
        case .uint8(let number): ABIWord.uint8(number)
        case .bytes32(let word): ABIWord.bytes32(word)
        case .bool(let flag): ABIWord.bool(flag)
        case .addressArray(let addresses):
            ABIWord.uint256(UInt256(UInt64(addresses.count))) + addresses.flatMap(ABIWord.address)
        case .bytes32Array(let words):
            ABIWord.uint256(UInt256(UInt64(words.count))) + words.flatMap(ABIWord.bytes32)
        }
    }

    // MARK: Return data

    /// A function's single `bool` result: exactly one word holding 0 or 1.
    public static func decodeBool(_ data: [UInt8]) throws(EthereumError) -> Bool {
        let value = try decodeUInt256(data)
        guard value <= 1 else { throw .invalidABIData("a bool word must be 0 or 1; got \(value)") }
        return value == 1
    }

    /// A function's single `uint256` result: exactly one word.
    public static func decodeUInt256(_ data: [UInt8]) throws(EthereumError) -> UInt256 {
        guard data.count == 32 else {
            throw .invalidABIData("expected one 32-byte word, got \(data.count) bytes (is the contract address right?)")
        }
        return try UInt256(bigEndian: data)
    }
}
