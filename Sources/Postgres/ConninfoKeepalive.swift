/// A connection string with TCP keepalives and a TCP user timeout added, for the sessions
/// whose death must be noticed within seconds on both ends (the lease session: while it lives,
/// its instance holds its signer lanes).
///
/// Why it exists: without them a connection cut by a network partition stays open for the
/// operating system's keepalive time (about two hours): the cut-off instance does not learn it
/// lost the database, and the server keeps its session, and its advisory locks, so no other
/// instance can take the lanes. libpq takes the client's half in the connection string (both
/// forms: `key=value` words and `postgresql://` URIs); the server's half is `serverSettingsSQL`,
/// run on the session once connected. Settings the connection string already names are kept.
public enum ConninfoKeepalive {
    /// Idle seconds before the first probe, seconds between probes, probes lost before the
    /// connection is dead; unacknowledged data is given up after `userTimeoutMilliseconds`.
    public static let idleSeconds = 2
    public static let intervalSeconds = 1
    public static let count = 3
    public static let userTimeoutMilliseconds = 5_000

    static var parameters: [(String, String)] {
        [("keepalives", "1"), ("keepalives_idle", String(idleSeconds)), ("keepalives_interval", String(intervalSeconds)),
         ("keepalives_count", String(count)), ("tcp_user_timeout", String(userTimeoutMilliseconds))]
    }

    /// `conninfo` with the client-side keepalive parameters it does not name already.
    public static func applied(to conninfo: String) -> String {
        let trimmed = String(conninfo.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        let isURI = trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://")
        let missing = parameters.filter { name, _ in
            isURI ? !trimmed.contains("?\(name)=") && !trimmed.contains("&\(name)=")
                : !trimmed.split(whereSeparator: \.isWhitespace).contains { $0.hasPrefix("\(name)=") }
        }
        guard !missing.isEmpty else { return trimmed }
        if isURI {
            let joined = missing.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
            return trimmed + (trimmed.contains("?") ? "&" : "?") + joined
        }
        return ([trimmed].filter { !$0.isEmpty } + missing.map { "\($0.0)=\($0.1)" }).joined(separator: " ")
    }

    /// The server's half, for the session's setup: the same probing from the server's side, so
    /// it ends a cut-off session (and frees its locks) within seconds. Only the settings this
    /// server knows are set (`tcp_user_timeout` is PostgreSQL 12 on); over a Unix socket the
    /// server ignores them.
    public static let serverSettingsSQL = """
        SELECT set_config(s.name, s.value, false) FROM (VALUES ('tcp_keepalives_idle', '\(idleSeconds)'), \
        ('tcp_keepalives_interval', '\(intervalSeconds)'), ('tcp_keepalives_count', '\(count)'), \
        ('tcp_user_timeout', '\(userTimeoutMilliseconds)')) AS s(name, value) \
        WHERE EXISTS (SELECT 1 FROM pg_settings p WHERE p.name = s.name)
        """
}
