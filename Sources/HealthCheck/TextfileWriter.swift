import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file the way node_exporter's textfile collector needs: to a temporary file in the
/// same directory (named so the collector ignores it), then `rename(2)` over the target, so
/// a scrape never reads half a file.
public enum TextfileWriter {
    /// Why the file could not be written, with the system's words and what to check.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ text: String, to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            unlink(temporary)
            throw failure("cannot write \(temporary)")
        }
        fchmodat(AT_FDCWD, temporary, 0o644, 0)
        guard rename(temporary, path) == 0 else {
            let reason = failure("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw reason
        }
    }

    private static func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno))). Check that the directory exists and this user may write to it.")
    }
}
