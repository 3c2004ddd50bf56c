/// The one framing rule of the line protocol, shared by the server's NIO decoder and the plain
/// framer clients use: a line is the bytes before the first `\n`, and a line whose length
/// including that `\n` exceeds the limit is refused as a whole (framing is lost after it).
///
/// Keeping the rule in one function is what makes "no second hand-written framing" true: both
/// adapters only move bytes in and out of it.
public enum LineBoundary {
    /// The largest request line the daemon accepts, newline included (64 KiB).
    public static let maximumRequestLineBytes = 65_536
    /// The largest response line clients accept by default (a long `list` can exceed 64 KiB).
    public static let maximumResponseLineBytes = 32 * 1_048_576

    /// What a scan of buffered bytes found.
    public enum Scan: Equatable, Sendable {
        /// A complete line: its content (without `\n`, without one trailing `\r`) is
        /// `bytes[0..<contentLength]`, and `consumed` bytes (newline included) belong to it.
        case line(contentLength: Int, consumed: Int)
        /// No newline yet; the first `scanned` bytes are known to contain none.
        case needMore(scanned: Int)
        /// The line cannot fit within the limit, whatever comes next.
        case tooLong
    }

    /// Scans `bytes` for the end of the first line, skipping the first `alreadyScanned` bytes
    /// (known to hold no newline from an earlier call).
    public static func scan(_ bytes: UnsafeRawBufferPointer, alreadyScanned: Int, maximumLineBytes: Int) -> Scan {
        let searchEnd = min(bytes.count, maximumLineBytes)
        var index = min(alreadyScanned, searchEnd)
        while index < searchEnd {
            if bytes[index] == UInt8(ascii: "\n") {
                let content = index > 0 && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                return .line(contentLength: content, consumed: index + 1)
            }
            index += 1
        }
        return bytes.count >= maximumLineBytes ? .tooLong : .needMore(scanned: searchEnd)
    }

    /// The content of an unterminated last line at end of input, if it is worth handling:
    /// non-empty and within the limit (the newline it lacks counted as if present).
    public static func finalLineLength(_ bytes: UnsafeRawBufferPointer, maximumLineBytes: Int) -> Int? {
        guard !bytes.isEmpty, bytes.count < maximumLineBytes else { return nil }
        return bytes.last == UInt8(ascii: "\r") ? bytes.count - 1 : bytes.count
    }
}
