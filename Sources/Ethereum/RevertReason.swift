/// Why a call or transaction reverted, read from its revert data.
///
/// It exists so the engine can tell "already minted" or "authorization used" from other
/// failures without parsing node error strings. Standard `Error(string)` and `Panic(uint256)`
/// are decoded; anything else is a custom error returned as its selector and raw arguments
/// (compare the selector with e.g. `MintContractCalldata.alreadyMintedSelector`).
public enum RevertReason: Sendable, Hashable {
    /// No revert data (`revert()`, `require(cond)` without a message, or out of gas).
    case empty
    /// `Error(string)`: a `require(cond, "message")` or `revert("message")`.
    case error(String)
    /// `Panic(uint256)`: an assertion, arithmetic overflow, division by zero (Solidity ≥ 0.8).
    case panic(UInt256)
    /// Any other error, identified by its 4-byte selector; `arguments` are the ABI-encoded
    /// parameters that follow it. Also returned for malformed `Error`/`Panic` payloads.
    case custom(selector: [UInt8], arguments: [UInt8])
    /// One to three bytes: too short to hold a selector.
    case unrecognized([UInt8])

    public static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    public static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    public init(data: [UInt8]) {
        guard !data.isEmpty else {
            self = .empty
            return
        }
        guard data.count >= 4 else {
            self = .unrecognized(data)
            return
        }
        let selector = Array(data[0..<4])
        let arguments = Array(data[4...])
        if selector == Self.errorSelector, let message = Self.decodeString(arguments) {
            self = .error(message)
        } else if selector == Self.panicSelector, arguments.count == 32, let code = try? UInt256(bigEndian: arguments) {
            self = .panic(code)
        } else {
            self = .custom(selector: selector, arguments: arguments)
        }
    }

    /// The 4-byte selector, when there is one.
    public var selector: [UInt8]? {
        switch self {
        case .empty, .unrecognized: nil
        case .error: Self.errorSelector
        case .panic: Self.panicSelector
        case .custom(let selector, _): selector
        }
    }

    /// Decodes an ABI-encoded single `string`: an offset word, a length word, the bytes.
    private static func decodeString(_ data: [UInt8]) -> String? {
        guard data.count >= 64,
              let offset = (try? UInt256(bigEndian: Array(data[0..<32])))?.uint64Value,
              offset <= UInt64(data.count - 32) else { return nil }
        let lengthStart = Int(offset)
        guard let length = (try? UInt256(bigEndian: Array(data[lengthStart..<(lengthStart + 32)])))?.uint64Value,
              length <= UInt64(data.count - lengthStart - 32) else { return nil }
        let start = lengthStart + 32
        let bytes = data[start..<(start + Int(length))]
        let message = String(decoding: bytes, as: UTF8.self)
        // String(decoding:) repairs invalid UTF-8; refuse it instead, so the raw bytes survive as .custom.
        return message.utf8.elementsEqual(bytes) ? message : nil
    }
}

extension RevertReason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty: "reverted without data"
        case .error(let message): "reverted: \(message)"
        case .panic(let code): "panicked with code 0x\(String(code.hexString.dropFirst(2)))"
        case .custom(let selector, let arguments): "reverted with custom error \(Hex.encode(selector)) (\(arguments.count) bytes of arguments)"
        case .unrecognized(let data): "reverted with unrecognised data \(Hex.encode(data))"
        }
    }
}
