/// Long hex values (addresses, hashes) as a table shows them: in full for a pipe, where a
/// script may cut them out, and shortened to `0x1234…abcd` on a terminal, where a person
/// recognises them and `payctl status ID` shows them whole.
public enum HashText {
    public static func show(_ value: String?, style: TerminalStyle) -> String {
        guard let value, !value.isEmpty else { return "" }
        return style.isTerminal ? abbreviate(value) : value
    }

    /// `0x` and the first and last four hex digits, for values longer than 14 characters.
    public static func abbreviate(_ value: String) -> String {
        guard value.count > 14 else { return value }
        return "\(value.prefix(6))…\(value.suffix(4))"
    }
}
