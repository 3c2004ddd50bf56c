#if canImport(Glibc)
import Glibc
#endif

/// Who may run admin commands (`stop`, `settings set`, `retry`, `cancel`), decided by the
/// peer uid the kernel reports for the connection (SO_PEERCRED), never by anything the
/// client says. Everyone who can open the socket (mode 0660: its owner and group) may run the
/// other commands.
public struct AdminPolicy: Sendable, Hashable {
    /// Extra uids allowed to run admin commands.
    public var adminUIDs: Set<UInt32>
    /// Whether root and the daemon's own effective uid are admins without being listed. On in
    /// production; tests running as root turn it off to see a refusal.
    public var allowsRootAndDaemonUser: Bool

    public init(adminUIDs: Set<UInt32> = [], allowsRootAndDaemonUser: Bool = true) {
        self.adminUIDs = adminUIDs
        self.allowsRootAndDaemonUser = allowsRootAndDaemonUser
    }

    /// Whether a peer with this uid (nil: unknown, e.g. SO_PEERCRED failed) may run admin
    /// commands. An unknown peer never may.
    public func permits(uid: UInt32?) -> Bool {
        guard let uid else { return false }
        if adminUIDs.contains(uid) { return true }
        return allowsRootAndDaemonUser && (uid == 0 || uid == geteuid())
    }
}
