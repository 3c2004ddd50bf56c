import Foundation
import JSON
import LineProtocolCodec
import TestHarness

/// Request lines a hostile or broken client might send: random bytes, printable noise,
/// truncated and mutated valid requests, deep nesting, huge numbers, invalid UTF-8, bare-word
/// soup, whitespace, and now and then a line over the length limit.
///
/// Lines that parse to an admin command (`stop`, `settings set`, `retry`, `cancel`) or to `watch`
/// are never produced: the first legitimately change state, the second turns the connection
/// into an event stream. Everything else must change nothing.
struct FuzzLines {
    var random: SplitMix64
    /// Valid request lines (without newline) to truncate and mutate; the first should be an
    /// enqueue.
    let templates: [[UInt8]]

    static let words = ["ping", "stats", "list", "status", "settings", "get", "version", "enqueue", "pending", "sent",
                        "completed", "50", "1001", "0", "-1", "00000000-0000-4000-8000-000000000001", "x", "", "null", "true"]

    /// The next line, newline excluded (it never contains one).
    mutating func next() -> [UInt8] {
        while true {
            var line = candidate()
            line.removeAll { $0 == UInt8(ascii: "\n") }
            if Self.isAllowed(line) { return line }
        }
    }

    static func isAllowed(_ line: [UInt8]) -> Bool {
        guard line.count <= LineBoundary.maximumRequestLineBytes - 1 else { return true }
        do throws(RejectedRequest) {
            guard let request = try ProtocolRequest.parse(line: line) else { return true }
            if request.command.requiresAdmin { return false }
            if case .watch = request.command { return false }
            return true
        } catch {
            return true
        }
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    private mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }

    private mutating func template() -> [UInt8] { templates[int(0...templates.count - 1)] }

    private mutating func candidate() -> [UInt8] {
        switch int(0...99) {
        case 0..<10: return bytes(int(0...300))
        case 10..<18: return (0..<int(1...200)).map { _ in UInt8.random(in: 32...126, using: &random) }
        case 18..<28:
            let valid = template()
            return Array(valid.prefix(int(0...valid.count)))
        case 28..<33:
            let depth = int(60...20_000)
            let (open, close): (String, String) = int(0...1) == 0 ? ("[", "]") : ("{\"a\":", "}")
            let body = String(repeating: open, count: depth) + (int(0...1) == 0 ? "1" : "") + String(repeating: close, count: int(0...depth))
            return Array(body.utf8)
        case 33..<38:
            let numbers = ["1e999", "-1e999", String(repeating: "9", count: int(20...5_000)), "1.7976931348623157e309",
                           "0.\(String(repeating: "0", count: 400))1", "-0", "1e-99999", "123456789012345678901234567890"]
            let number = numbers[int(0...numbers.count - 1)]
            let shapes = [#"{"id":N,"cmd":"ping"}"#, #"{"id":1,"cmd":"list","limit":N}"#, #"{"id":1,"cmd":"status","payment_id":N}"#, "N",
                          #"{"id":1,"cmd":"enqueue","payment":{"type":"mint","amount":N}}"#]
            return Array(shapes[int(0...shapes.count - 1)].replacingOccurrences(of: "N", with: number).utf8)
        case 38..<45:
            var line = template()
            let invalid: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
                                      Array(#"\ud800"#.utf8), Array(#"\udfff\ud800"#.utf8), [0x00], [0x1F]]
            for _ in 0..<int(1...3) {
                line.insert(contentsOf: invalid[int(0...invalid.count - 1)], at: int(0...line.count))
            }
            return line
        case 45..<60:
            // Still valid JSON, one value changed: reaches the engine's checks.
            // Mostly the enqueue (the first template): its values are what the engine checks.
            let base = int(0...3) == 0 ? template() : templates[0]
            guard var value = try? StrictJSONParser.parse(base) else { return base }
            for _ in 0..<int(1...2) { value = mutate(value) }
            return Array(JSONWriter.string(value).utf8)
        case 60..<75:
            var line = template()
            for _ in 0..<int(1...4) { mutate(&line) }
            return line
        case 75..<88:
            let count = int(1...5)
            return Array((0..<count).map { _ in Self.words[int(0...Self.words.count - 1)] }.joined(separator: int(0...3) == 0 ? "\t" : " ").utf8)
        case 88..<94:
            let whitespace: [UInt8] = [32, 9, 13, 0x0B, 0x0C]
            return (0..<int(0...20)).map { _ in whitespace[int(0...whitespace.count - 1)] }
        case 94..<99:
            return template() + [13] + template()
        default:
            // Over the limit: answered with line_too_long, then the connection closes.
            return template() + [UInt8](repeating: UInt8(ascii: " "), count: LineBoundary.maximumRequestLineBytes + int(0...10_000))
        }
    }

    /// The value with one leaf changed (another string of the same shape, another type, a
    /// removed or added key).
    private mutating func mutate(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var fields):
            guard !fields.isEmpty else { return .object(["extra": .int(Int64(int(0...9)))]) }
            let keys = fields.keys.sorted()
            let key = keys[int(0...keys.count - 1)]
            switch int(0...9) {
            case 0: fields[key] = nil
            case 1: fields["unknown_\(int(0...99))"] = .string("x")
            default: fields[key] = mutate(fields[key] ?? .null)
            }
            return .object(fields)
        case .array(var elements):
            guard !elements.isEmpty else { return .array([.int(1)]) }
            let index = int(0...elements.count - 1)
            elements[index] = mutate(elements[index])
            return .array(elements)
        case .string(let text):
            var characters = Array(text)
            switch int(0...5) {
            case 0: return .int(Int64.random(in: Int64.min...Int64.max, using: &random))
            case 1: return .null
            case 2: return .string(String(characters.prefix(int(0...characters.count))))
            default:
                guard !characters.isEmpty else { return .string("0") }
                let hex = Array("0123456789abcdefABCDEF")
                characters[int(0...characters.count - 1)] = hex[int(0...hex.count - 1)]
                return .string(String(characters))
            }
        case .int:
            return [.int(Int64.random(in: Int64.min...Int64.max, using: &random)), .double(1e300), .string("1"), .int(0)][int(0...3)]
        default:
            return [.string("0"), .int(1), .bool(true), .null, .object([:])][int(0...4)]
        }
    }

    private mutating func mutate(_ line: inout [UInt8]) {
        guard !line.isEmpty else {
            line = bytes(int(1...10))
            return
        }
        let at = int(0...line.count - 1)
        switch int(0...7) {
        case 0: line[at] ^= UInt8(1) << UInt8(int(0...7))
        case 1: line[at] = UInt8.random(in: 32...126, using: &random)
        case 2: line.removeSubrange(at..<min(line.count, at + int(1...20)))
        case 3: line.insert(contentsOf: bytes(int(1...8)), at: at)
        case 4:
            let end = min(line.count, at + int(1...40))
            line.insert(contentsOf: line[at..<end], at: end)
        case 5:
            // A string value becomes a number, an object, an array, or null.
            if let quote = line[at...].firstIndex(of: UInt8(ascii: "\"")),
               let close = line[(quote + 1)...].firstIndex(of: UInt8(ascii: "\"")) {
                let replacements = ["123", "{}", "[]", "null", "true", "-1.5e3", "\"\""]
                line.replaceSubrange(quote...close, with: Array(replacements[int(0...replacements.count - 1)].utf8))
            }
        case 6:
            // A digit run grows very long.
            if let digit = line[at...].firstIndex(where: { $0 >= 48 && $0 <= 57 }) {
                line.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "9"), count: int(10...400)), at: digit)
            }
        default:
            line.swapAt(at, int(0...line.count - 1))
        }
    }
}
