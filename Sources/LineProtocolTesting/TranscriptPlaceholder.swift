import JSON
import LineProtocolCodec
import PaymentModel

/// A placeholder inside an expected transcript response: a string such as `"<uuid>"`,
/// `"<tx_hash|null>"` or `"<uuid:first_payment>"` (which also captures the value under a name).
///
/// Kinds: `any`, `absent` (the key must not be there), `null`, `string`, `number`, `integer`,
/// `boolean`, `object`, `array`, `uuid`, `rfc3339`, `tx_hash` (0x + 64 hex), `address`
/// (0x + 40 hex), `hex` (0x + even number of hex digits), `decimal` (a string of digits),
/// `status` (one of the six payment statuses).
struct TranscriptPlaceholder: Equatable {
    enum Kind: String, CaseIterable {
        case any, absent, null, string, number, integer, boolean, object, array
        case uuid, rfc3339, address, hex, decimal, status
        case txHash = "tx_hash"
    }

    var kinds: [Kind]
    var captureName: String?

    /// Nil when `text` is not a placeholder (then it is compared literally).
    init?(_ text: String) {
        guard text.count >= 3, text.first == "<", text.last == ">" else { return nil }
        let body = text.dropFirst().dropLast()
        let parts = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        var kinds: [Kind] = []
        for alternative in parts[0].split(separator: "|", omittingEmptySubsequences: false) {
            guard let kind = Kind(rawValue: String(alternative)) else { return nil }
            kinds.append(kind)
        }
        self.kinds = kinds
        if parts.count == 2 {
            guard !parts[1].isEmpty else { return nil }
            captureName = String(parts[1])
        }
    }

    func accepts(_ value: JSONValue) -> Bool {
        kinds.contains { Self.kind($0, accepts: value) }
    }

    private static func kind(_ kind: Kind, accepts value: JSONValue) -> Bool {
        switch (kind, value) {
        case (.any, _): true
        case (.absent, _): false
        case (.null, .null): true
        case (.string, .string): true
        case (.number, .int), (.number, .double): true
        case (.integer, .int): true
        case (.boolean, .bool): true
        case (.object, .object): true
        case (.array, .array): true
        case (.uuid, .string(let text)): PaymentID.canonical(text) != nil
        case (.rfc3339, .string(let text)): RFC3339Time.parse(text) != nil
        case (.txHash, .string(let text)): isHex(text, digits: 64)
        case (.address, .string(let text)): isHex(text, digits: 40)
        case (.hex, .string(let text)): isHex(text, digits: nil)
        case (.decimal, .string(let text)): !text.isEmpty && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        case (.status, .string(let text)): PaymentStatus(rawValue: text) != nil
        default: false
        }
    }

    private static func isHex(_ text: String, digits: Int?) -> Bool {
        guard text.hasPrefix("0x") else { return false }
        let hex = text.utf8.dropFirst(2)
        if let digits, hex.count != digits { return false }
        return hex.count % 2 == 0 && hex.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70)
        }
    }
}
