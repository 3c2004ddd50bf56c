import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The process on the other end of a Unix socket connection, as the kernel recorded it at
/// `connect` time (SO_PEERCRED): it cannot be forged by the client.
public struct PeerCredentials: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// Reads SO_PEERCRED from an accepted channel, or nil when the channel is not a socket
    /// that can say (the connection is then treated as a non-admin peer).
    ///
    /// NIO gives no typed accessor for it, so this reads the option through
    /// `SocketOptionProvider.unsafeGetSocketOption` as a `(UInt32, UInt32, UInt32)`: Swift lays
    /// out a homogeneous tuple contiguously, which matches Linux's `struct ucred { pid_t pid;
    /// uid_t uid; gid_t gid; }` (three 32-bit fields, 12 bytes); Glibc's module does not
    /// export `ucred` itself.
    static func read(from channel: Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let future: EventLoopFuture<(UInt32, UInt32, UInt32)> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future
            .map { raw in PeerCredentials(pid: Int32(bitPattern: raw.0), uid: raw.1, gid: raw.2) }
            .recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }
}
