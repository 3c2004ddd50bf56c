import Foundation
import JSON

/// x402's header encoding: a JSON object, written compactly, in standard base64. Decoding also
/// takes URL-safe base64 and missing padding, which some clients send.
public enum Base64JSON {
    public static func encode(_ value: JSONValue) -> String {
        Data(JSONWriter.bytes(value)).base64EncodedString()
    }

    /// The JSON object in a header value, or an error that says which step failed.
    public static func decode(_ header: String, name: String) throws(X402PayloadError) -> JSONValue {
        var text = header.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !text.isEmpty else { throw X402PayloadError(field: nil, message: "The \(name) header is empty.") }
        if text.count % 4 != 0 { text += String(repeating: "=", count: 4 - text.count % 4) }
        guard let data = Data(base64Encoded: text) else {
            throw X402PayloadError(field: nil, message: "The \(name) header is not base64.")
        }
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try StrictJSONParser.parse(Array(data))
        } catch {
            throw X402PayloadError(field: nil, message: "The \(name) header is base64 but not JSON: \(error).")
        }
        guard value.objectValue != nil else {
            throw X402PayloadError(field: nil, message: "The \(name) header must hold a JSON object.")
        }
        return value
    }
}
