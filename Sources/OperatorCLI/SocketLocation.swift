/// Where the operator programs find the daemon's socket, the same way in `payctl` and
/// `paymentd-health`: the `--socket` flag wins, then `PAYMENTD_SOCKET`, then the path the
/// daemon and its systemd unit use. One rule, so a script and a person never talk to two
/// different daemons by accident.
public enum SocketLocation {
    /// The daemon's default socket (`socket_path`, and `ListenStream=` of `paymentd.socket`).
    public static let defaultPath = "/run/paymentd/paymentd.sock"
    /// The environment variable that overrides the default (not the flag).
    public static let environmentVariable = "PAYMENTD_SOCKET"

    /// The socket to use: `flag` if given, else a non-empty `PAYMENTD_SOCKET`, else the default.
    public static func resolve(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }
}
