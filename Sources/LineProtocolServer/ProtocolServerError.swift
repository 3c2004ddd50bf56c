import ErrorCoding

/// Why the protocol server could not start listening, or stopped. Each says what to do, because the
/// operator reads it in `journalctl` at start-up.
public enum ProtocolServerError: CodedError, Equatable {
    /// Another process answers on the socket path: a second daemon would steal its clients.
    case socketInUse(path: String)
    /// Something that is not a socket sits at the path; it is not ours to delete.
    case socketPathOccupied(path: String)
    /// The path could not be inspected, probed or cleaned up.
    case socketPathUnusable(path: String, errno: Int32)
    /// Setting the socket file's mode or group failed.
    case socketPermissionsFailed(path: String, errno: Int32)
    /// The fd handed over by systemd is not a listening Unix stream socket.
    case invalidInheritedSocket(descriptor: Int32, reason: String)
    case bindFailed(address: String, reason: String)
    /// The listening socket stopped accepting connections without a shutdown.
    case listenerFailed(address: String, reason: String)

    public var code: String {
        switch self {
        case .socketInUse: "socket_in_use"
        case .socketPathOccupied: "socket_path_occupied"
        case .socketPathUnusable: "socket_path_unusable"
        case .socketPermissionsFailed: "socket_permissions_failed"
        case .invalidInheritedSocket: "invalid_inherited_socket"
        case .bindFailed: "bind_failed"
        case .listenerFailed: "listener_failed"
        }
    }

    public var description: String {
        switch self {
        case .socketInUse(let path):
            "Another process is listening on \(path); stop the other paymentd first (or use a different socket path)."
        case .socketPathOccupied(let path):
            "\(path) exists and is not a socket; remove it or choose another socket path."
        case .socketPathUnusable(let path, let errno):
            "Cannot prepare socket path \(path) (errno \(errno)); check that its directory exists and is writable by the daemon."
        case .socketPermissionsFailed(let path, let errno):
            "Cannot set mode 0660 or the group on \(path) (errno \(errno)); check the daemon's user and group."
        case .invalidInheritedSocket(let descriptor, let reason):
            "The inherited fd \(descriptor) is not usable: \(reason); check ListenStream= in paymentd.socket."
        case .bindFailed(let address, let reason):
            "Cannot listen on \(address): \(reason)."
        case .listenerFailed(let address, let reason):
            "The socket server on \(address) stopped accepting connections (\(reason)); restart the daemon."
        }
    }
}
