/// Why a socket path could not be used to reach paymentd, found by looking at the path after
/// a connection failed (`SocketProbe`). It decides what an operator reads and what a monitor
/// reports: a daemon that is down is the thing being checked (critical), a path that is not
/// paymentd's socket at all is a mistake in the check's own configuration (unknown).
public enum SocketProblem: Sendable, Hashable {
    /// Nothing exists at the path.
    case missing
    /// A socket file nobody accepts connections on (the daemon stopped and left it).
    case refused
    /// This user may not open the socket (its mode is 0660: owner and group only).
    case permissionDenied
    /// A datagram (or other non-stream) socket: not paymentd's, perhaps its notify socket.
    case wrongSocketType
    /// A file that is not a socket.
    case notASocket(fileType: String)
    /// The connection worked when probed again: the daemon was starting or restarting.
    case answeredOnRetry
    /// Anything else, with the system's words.
    case other(String)

    /// Whether the daemon itself is down or unreachable, as opposed to a path or permission
    /// that is wrong for this caller.
    public var meansDaemonDown: Bool {
        switch self {
        case .missing, .refused, .answeredOnRetry, .other: true
        case .permissionDenied, .wrongSocketType, .notASocket: false
        }
    }

    /// One sentence: what is at `path`, and what to do about it.
    public func explanation(path: String) -> String {
        switch self {
        case .missing:
            "There is no socket at \(path): paymentd is not running, or listens elsewhere. "
                + "Check `systemctl status paymentd.socket paymentd.service`, or pass --socket / set \(SocketLocation.environmentVariable)."
        case .refused:
            "Nothing accepts connections on \(path): paymentd has stopped and left its socket file. "
                + "Check `systemctl status paymentd.service` and `journalctl -u paymentd -n 50`."
        case .permissionDenied:
            "This user may not open \(path) (the socket is mode 0660): run as the daemon's user or root, "
                + "or add this user to the socket's group (SocketGroup= in paymentd.socket)."
        case .wrongSocketType:
            "\(path) is a socket of the wrong type (not a stream socket): it is not paymentd's line-protocol socket "
                + "(is it the notify socket?). Pass the daemon's socket_path with --socket."
        case .notASocket(let fileType):
            "\(path) is a \(fileType), not a socket: pass the daemon's socket_path with --socket."
        case .answeredOnRetry:
            "paymentd at \(path) did not answer at first but accepts connections now (it was starting or restarting); run the command again."
        case .other(let reason):
            "Cannot connect to paymentd at \(path): \(reason). Check `systemctl status paymentd.service`."
        }
    }
}
