#if canImport(Glibc)
import Glibc
#endif

/// Writing to standard output and standard error without buffering surprises: each call
/// writes its text whole, at once, so progress on stderr and results on stdout interleave
/// in the order they happened, and nothing is lost when the program exits with a status.
public enum StandardOutput {
    public static func out(_ text: String) {
        write(text, to: 1)
    }

    public static func error(_ text: String) {
        write(text, to: 2)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
