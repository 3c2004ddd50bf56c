import JSON

/// What PostgreSQL can keep: its `text` and `jsonb` hold any Unicode except U+0000 (a `jsonb`
/// string refuses the `\u0000` escape, a `text` value the NUL byte). A request carrying one
/// would fail its whole group commit with `database_error` (issue 16, scenario 6), so enqueue
/// refuses it alone, before it is batched, naming where it is.
enum StorableText {
    static let reason = "must not contain U+0000 (the database cannot store it)"

    static func isStorable(_ text: String) -> Bool {
        !text.unicodeScalars.contains("\u{0}")
    }

    /// The path of the first string or key in `value` PostgreSQL cannot store, or nil. A key is
    /// reported at the object holding it; the order is deterministic (keys sorted).
    static func unstorablePath(in value: JSONValue, at path: String) -> String? {
        switch value {
        case .string(let text):
            return isStorable(text) ? nil : path
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = unstorablePath(in: element, at: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let fields):
            for key in fields.keys.sorted() {
                guard isStorable(key) else { return path }
                if let found = unstorablePath(in: fields[key]!, at: "\(path).\(key)") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
