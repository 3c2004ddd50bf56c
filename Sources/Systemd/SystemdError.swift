import CSystemd
import ErrorCoding

/// Failures talking to the service manager.
public enum SystemdError: CodedError, Equatable {
    case notifyFailed(errno: Int32)
    case listenFDsFailed(errno: Int32)
    case watchdogQueryFailed(errno: Int32)

    public var code: String { "systemd_error" }

    public var description: String {
        switch self {
        case .notifyFailed(let e): "sd_notify failed (errno \(e)); is NOTIFY_SOCKET a datagram socket we may write to?"
        case .listenFDsFailed(let e): "sd_listen_fds failed (errno \(e)); LISTEN_FDS/LISTEN_PID are malformed."
        case .watchdogQueryFailed(let e): "sd_watchdog_enabled failed (errno \(e)); WATCHDOG_USEC is malformed."
        }
    }
}
