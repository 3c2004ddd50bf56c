#if canImport(Glibc)
import Glibc
#endif

/// Builds a `sockaddr_un` for a filesystem path and lends it to `bind`/`connect`: the one place
/// the tests lay out a Unix socket address (the notify listener, the daemon's activation
/// probe, the raw protocol client).
public enum UnixSocketAddress {
    /// Calls `body` with the address of `path` and its length; returns what `body` returns.
    public static func with<Result>(path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8.prefix(MemoryLayout.size(ofValue: address.sun_path) - 1))
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
