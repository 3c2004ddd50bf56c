import LineProtocolCodec
import NIOCore
import NIOPosix

/// How the protocol server listens and what it tolerates. The defaults are the production
/// values the spec documents (protocol/PROTOCOL.md, "Limits").
public struct ProtocolServerConfiguration: Sendable {
    /// Where connections come from.
    public enum Listener: Sendable, Hashable {
        /// Bind a socket file at `path` (a stale file is replaced, a live one refused), give it
        /// mode 0660 and, if set, the group `groupID`; removed again at exit.
        case path(String, groupID: UInt32? = nil)
        /// Adopt a listening socket inherited from systemd (LISTEN_FDS); its mode and group
        /// are the socket unit's business (SocketMode=0660, SocketGroup=).
        case inheritedDescriptor(Int32)
    }

    public var listener: Listener
    public var adminPolicy: AdminPolicy
    /// Connections served at once; one more is told `too_many_connections` and closed.
    public var maximumConnections: Int
    /// Request lines longer than this (newline included) get `line_too_long` and a close.
    public var maximumLineBytes: Int
    /// Requests one connection may have read but not yet answered; beyond it the server stops
    /// reading that connection until responses are written (backpressure, bounded memory).
    public var maximumPipelinedRequests: Int
    /// A connection with no complete line read and no response written for this long is
    /// closed (watchers are exempt: they are quiet by design).
    public var idleTimeout: Duration
    /// A watcher that does not take an event within this long is disconnected.
    public var watchWriteTimeout: Duration
    /// After `shutdown()`, connections still open this long are closed without waiting.
    public var drainTimeout: Duration
    public var backlog: Int32
    public var eventLoopGroup: any EventLoopGroup

    public init(listener: Listener, adminPolicy: AdminPolicy = .rootAndDaemonUser(), maximumConnections: Int = 4096,
                maximumLineBytes: Int = LineBoundary.maximumRequestLineBytes, maximumPipelinedRequests: Int = 64,
                idleTimeout: Duration = .seconds(300), watchWriteTimeout: Duration = .seconds(30),
                drainTimeout: Duration = .seconds(30), backlog: Int32 = 4096,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.listener = listener
        self.adminPolicy = adminPolicy
        self.maximumConnections = maximumConnections
        self.maximumLineBytes = maximumLineBytes
        self.maximumPipelinedRequests = maximumPipelinedRequests
        self.idleTimeout = idleTimeout
        self.watchWriteTimeout = watchWriteTimeout
        self.drainTimeout = drainTimeout
        self.backlog = backlog
        self.eventLoopGroup = eventLoopGroup
    }
}

