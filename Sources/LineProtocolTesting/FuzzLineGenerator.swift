import TestHarness

/// Lines that look like requests gone wrong: random bytes, truncated and mutated requests,
/// huge numbers, deep nesting, invalid UTF-8, wrong types; seeded, so a failing run replays
/// exactly (the codec's and the server's fuzz tests share it).
public struct FuzzLineGenerator {
    private var random: SplitMix64
    private let readOnlySeeds: [String] = [
        #"{"id":1,"cmd":"ping"}"#, #"{"id":"x","cmd":"stats"}"#, #"{"id":2,"cmd":"version"}"#,
        #"{"id":3,"cmd":"list","status":"pending","limit":5}"#, #"{"id":4,"cmd":"status","payment_id":"00000000-0000-4000-8000-000000000001"}"#,
        #"{"id":5,"cmd":"settings"}"#, "stats", "list sent 3", "status 00000000-0000-4000-8000-000000000001",
    ]
    private let adminSeeds: [String] = [
        #"{"id":6,"cmd":"stop"}"#, #"{"id":7,"cmd":"cancel","payment_id":"00000000-0000-4000-8000-000000000001"}"#,
        #"{"id":8,"cmd":"retry","payment_id":"00000000-0000-4000-8000-000000000001"}"#,
        #"{"id":9,"cmd":"settings","action":"set","key":"payment_batch_size","value":"1"}"#, "stop", "settings set payment_batch_size 1",
    ]
    private let enqueueSeed = ProtocolSample.enqueueLine()

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    public mutating func next() -> [UInt8] {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return randomBytes(count: Int.random(in: 0...300, using: &random))
        case 1: return truncated(Array(pick(readOnlySeeds + adminSeeds + [enqueueSeed]).utf8))
        case 2: return mutated(Array(pick(readOnlySeeds + adminSeeds).utf8))
        case 3: return Array(#"{"id":\#(hugeNumber()),"cmd":"\#(pick(["ping", "status", "list"]))","limit":\#(hugeNumber())}"#.utf8)
        case 4: return deepNesting()
        case 5: return invalidUTF8()
        case 6: return wrongTypes()
        case 7: return brokenStructure(Array(enqueueSeed.utf8))
        case 8:
            let piece = pick(["[", "{", "\"", "\\", "{\"a\":", ","])
            return Array(String(repeating: piece, count: Int.random(in: 1...(60_000 / piece.utf8.count), using: &random)).utf8)
        default: return Array(pick(readOnlySeeds + adminSeeds).utf8)
        }
    }

    private mutating func pick<T>(_ options: [T]) -> T {
        options[Int.random(in: 0..<options.count, using: &random)]
    }

    private mutating func randomBytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    private mutating func truncated(_ line: [UInt8]) -> [UInt8] {
        Array(line.prefix(Int.random(in: 0..<max(1, line.count - 1), using: &random)))
    }

    private mutating func mutated(_ line: [UInt8]) -> [UInt8] {
        var bytes = line
        for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
            bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        }
        return bytes
    }

    /// Deletes one to three structural characters (quotes, braces, colons, commas): always
    /// invalid JSON, unlike deleting a byte inside a string value, which can leave a valid
    /// enqueue that would reach the service.
    private mutating func brokenStructure(_ line: [UInt8]) -> [UInt8] {
        var bytes = line
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let structural = bytes.indices.filter { [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ":"), UInt8(ascii: ",")].contains(bytes[$0]) }
            guard !structural.isEmpty else { break }
            bytes.remove(at: pick(structural))
        }
        return bytes
    }

    private mutating func hugeNumber() -> String {
        pick(["1e999999", "-1e400", String(repeating: "9", count: Int.random(in: 20...5_000, using: &random)),
              "0.\(String(repeating: "0", count: 400))1", "123456789012345678901234567890", "-0", "1E+2", "3.14159e-300"])
    }

    private mutating func deepNesting() -> [UInt8] {
        // Deep, but below the line limit: framing is exercised elsewhere.
        let open = pick(["[", "{\"a\":"])
        let depth = Int.random(in: 1...(30_000 / open.utf8.count), using: &random)
        let close = open == "[" ? "]" : "}"
        let body = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
        return Array(#"{"id":\#(body),"cmd":"ping"}"#.utf8)
    }

    private mutating func invalidUTF8() -> [UInt8] {
        let bad: [[UInt8]] = [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0xFF], [0xE2, 0x82]]
        return Array(#"{"id":"\#u{1}","cmd":""#.utf8) + pick(bad) + Array(#"ping"}"#.utf8)
    }

    private mutating func wrongTypes() -> [UInt8] {
        let replacements = [(#""amount":"1000000""#, #""amount":1000000"#), (#""payment_token":"#, #""payment_token":[],"x":"#),
                            (#""type":"mint""#, #""type":null"#), (#""authorization":{"#, #""authorization":"{"#),
                            (#""value":"1000000""#, #""value":{"n":1}"#), (#""nonce":"#, #""nonce":1.5,"y":"#)]
        let (from, to) = pick(replacements)
        return Array(enqueueSeed.replacingOccurrences(of: from, with: to).utf8)
    }
}
