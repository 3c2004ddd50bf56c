import JSON

/// JSON as payctl prints it: the protocol's own compact form (keys sorted), one value per
/// line, so `--json` output is exactly what the daemon's writer produces and `jq` reads it.
public enum JSONWriterText {
    public static func compact(_ value: JSONValue) -> String {
        JSONWriter.string(value)
    }

    /// One line per value, each ending in a newline.
    public static func lines(_ values: [JSONValue]) -> String {
        values.map { compact($0) + "\n" }.joined()
    }
}
