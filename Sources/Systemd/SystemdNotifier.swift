import CSystemd

/// The daemon's side of the systemd service protocol: readiness, status, watchdog and
/// socket activation.
///
/// Every call is a no-op when the process was not started by systemd (no `NOTIFY_SOCKET`,
/// no `LISTEN_FDS`), so the same binary runs by hand and under a unit. Messages are the
/// `sd_notify(3)` assignments; the typed helpers exist so callers cannot misspell them.
public enum SystemdNotifier {
    /// Sends raw `sd_notify` assignments (newline-separated). Returns whether a service manager
    /// was there to receive them.
    @discardableResult
    public static func notify(_ state: String) throws(SystemdError) -> Bool {
        let result = sd_notify(0, state)
        if result < 0 { throw .notifyFailed(errno: -result) }
        return result > 0
    }

    /// `READY=1`, optionally with a `STATUS=` line.
    @discardableResult
    public static func ready(status: String? = nil) throws(SystemdError) -> Bool {
        try notify(status.map { "READY=1\nSTATUS=\(sanitized($0))" } ?? "READY=1")
    }

    /// `STATUS=…`: one line a person reads in `systemctl status`.
    @discardableResult
    public static func status(_ text: String) throws(SystemdError) -> Bool {
        try notify("STATUS=\(sanitized(text))")
    }

    /// `WATCHDOG=1`: proof of life. Send only when the loops are really making progress.
    @discardableResult
    public static func watchdog() throws(SystemdError) -> Bool {
        try notify("WATCHDOG=1")
    }

    /// `STOPPING=1`: shutdown has begun.
    @discardableResult
    public static func stopping() throws(SystemdError) -> Bool {
        try notify("STOPPING=1")
    }

    /// `RELOADING=1`: configuration reload has begun; follow with `ready()` when done.
    @discardableResult
    public static func reloading() throws(SystemdError) -> Bool {
        try notify("RELOADING=1")
    }

    /// The watchdog interval systemd expects pings within, or `nil` when no watchdog is set
    /// for this process (`WATCHDOG_USEC`/`WATCHDOG_PID`).
    public static func watchdogInterval() throws(SystemdError) -> Duration? {
        var usec: UInt64 = 0
        let result = sd_watchdog_enabled(0, &usec)
        if result < 0 { throw .watchdogQueryFailed(errno: -result) }
        return result > 0 ? .microseconds(usec) : nil
    }

    /// The listening sockets passed by socket activation (fd 3, 4, …), or an empty array when
    /// none were passed to this process. The environment variables are left in place so that a
    /// second call agrees, but the fds are only meant to be adopted once.
    public static func listenFileDescriptors() throws(SystemdError) -> [Int32] {
        let count = sd_listen_fds(0)
        if count < 0 { throw .listenFDsFailed(errno: -count) }
        return (0..<count).map { SD_LISTEN_FDS_START + $0 }
    }

    /// Whether `fd` is a listening Unix stream socket (optionally bound to `path`).
    public static func isListeningUnixSocket(_ fd: Int32, path: String? = nil) -> Bool {
        sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, path, 0) > 0
    }

    private static func sanitized(_ text: String) -> String {
        text.replacingNewlines()
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
