import JSON

extension JSONWriter {
    /// The JSON text of `value` followed by `\n`: one protocol line.
    static func line(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        append(value, to: &output)
        output.append(UInt8(ascii: "\n"))
        return output
    }
}
