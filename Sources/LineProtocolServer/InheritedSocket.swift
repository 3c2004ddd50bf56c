#if canImport(Glibc)
import Glibc
#endif

/// Checks an fd handed over by systemd before adopting it: it must be a listening Unix stream
/// socket, or the server would fail later in a less obvious way.
enum InheritedSocket {
    static func validate(_ descriptor: Int32) throws(ProtocolServerError) {
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 else { return nil }
            return value
        }
        guard let type = option(SO_TYPE) else {
            throw .invalidInheritedSocket(descriptor: descriptor, reason: "it is not a socket (errno \(errno))")
        }
        guard type == Int32(SOCK_STREAM.rawValue) else {
            throw .invalidInheritedSocket(descriptor: descriptor, reason: "it is not a stream socket")
        }
        guard option(SO_DOMAIN) == AF_UNIX else {
            throw .invalidInheritedSocket(descriptor: descriptor, reason: "it is not a Unix domain socket")
        }
        guard option(SO_ACCEPTCONN) == 1 else {
            throw .invalidInheritedSocket(descriptor: descriptor, reason: "it is not listening")
        }
    }
}
