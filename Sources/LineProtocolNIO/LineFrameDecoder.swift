import LineProtocolCodec
import NIOCore

/// The NIO adapter of `LineBoundary`: turns a connection's bytes into `FramedLine`s.
///
/// Memory per connection is bounded by the limit plus one socket read: a line that cannot fit
/// is reported once as `.tooLong` and every byte after it is dropped unread into the void, so a
/// client streaming garbage without newlines costs nothing. At end of input a non-empty
/// unterminated last line is still delivered (`printf stats | socat …` works).
public struct LineFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = FramedLine

    public let maximumLineBytes: Int
    /// Bytes at the front of the buffer already known to hold no newline.
    private var scanned = 0
    private var discarding = false

    public init(maximumLineBytes: Int = LineBoundary.maximumRequestLineBytes) {
        self.maximumLineBytes = maximumLineBytes
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> FramedLine? {
        if discarding {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        let scan = buffer.withUnsafeReadableBytes {
            LineBoundary.scan($0, alreadyScanned: scanned, maximumLineBytes: maximumLineBytes)
        }
        switch scan {
        case .line(let contentLength, let consumed):
            let line = buffer.getBytes(at: buffer.readerIndex, length: contentLength) ?? []
            buffer.moveReaderIndex(forwardBy: consumed)
            scanned = 0
            return .line(line)
        case .needMore(let scannedCount):
            scanned = scannedCount
            return nil
        case .tooLong:
            discarding = true
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return .tooLong
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FramedLine? {
        if let line = try decode(buffer: &buffer) { return line }
        guard seenEOF, !discarding else { return nil }
        let length = buffer.withUnsafeReadableBytes {
            LineBoundary.finalLineLength($0, maximumLineBytes: maximumLineBytes)
        }
        let line = length.flatMap { buffer.getBytes(at: buffer.readerIndex, length: $0) }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        scanned = 0
        return line.map { .line($0) }
    }
}
