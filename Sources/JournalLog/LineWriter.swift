import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole lines to a file descriptor, never one line into the middle of another.
///
/// Many threads log at once, and the journal reads one record per line: two lines interleaved
/// would be two broken records. A line goes out under a lock, with `write(2)` repeated only
/// for what a short write left over, so within this process no other line can land inside it.
/// The writer does not own the descriptor and never closes it.
public final class LineWriter: Sendable {
    /// Standard error, shared so that every handler of the process takes the same lock.
    public static let standardError = LineWriter(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let lock = Mutex(())

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes `line` as given (the caller ends it with a newline). A descriptor that fails
    /// for a reason other than `EINTR` loses the rest of the line: a log has nowhere to report it.
    public func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            lock.withLock { _ in
                var written = 0
                while written < bytes.count {
                    let result = systemWrite(fileDescriptor, base + written, bytes.count - written)
                    if result > 0 {
                        written += result
                    } else if result < 0 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}

/// `write(2)`, named apart from `LineWriter.write(_:)`, which would otherwise shadow it.
private func systemWrite(_ fileDescriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fileDescriptor, bytes, count)
    #elseif canImport(Darwin)
    Darwin.write(fileDescriptor, bytes, count)
    #endif
}
