/// Splits a byte stream into lines by `LineBoundary`'s rule, without NIO: for clients on
/// plain blocking sockets and for tests. Once a line is too long the framer yields `.tooLong`
/// once and then discards everything, because where the next line starts is unknown.
public struct LineFramer: Sendable {
    public let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var poisoned = false

    public init(maximumLineBytes: Int = LineBoundary.maximumRequestLineBytes) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Adds bytes read from the stream.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard !poisoned else { return }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, `.tooLong` once when the limit is exceeded, or nil when more
    /// bytes are needed.
    public mutating func nextLine() -> FramedLine? {
        guard !poisoned else { return nil }
        let scan = buffer.withUnsafeBytes {
            LineBoundary.scan($0, alreadyScanned: scanned, maximumLineBytes: maximumLineBytes)
        }
        switch scan {
        case .line(let contentLength, let consumed):
            let line = Array(buffer[0..<contentLength])
            buffer.removeFirst(consumed)
            scanned = 0
            return .line(line)
        case .needMore(let scannedCount):
            scanned = scannedCount
            return nil
        case .tooLong:
            poisoned = true
            buffer = []
            return .tooLong
        }
    }

    /// At end of input: the unterminated last line, if any and within the limit.
    public mutating func finish() -> FramedLine? {
        guard !poisoned else { return nil }
        defer { buffer = []; scanned = 0 }
        if let length = buffer.withUnsafeBytes({ LineBoundary.finalLineLength($0, maximumLineBytes: maximumLineBytes) }) {
            return .line(Array(buffer[0..<length]))
        }
        return buffer.count >= maximumLineBytes ? .tooLong : nil
    }
}
