#if canImport(Glibc)
import Glibc
#endif

/// Who may run admin commands (`stop`, `settings set`, `retry`, `retry_mint`, `cancel`), decided by the
/// peer uid the kernel reports for the connection (SO_PEERCRED), never by anything the
/// client says. Everyone who can open the socket (mode 0660: its owner and group) may run the
/// other commands.
///
/// A policy is a set of uids. The one a daemon runs with is `rootAndDaemonUser(adding:)`: root
/// and the daemon's own effective uid are always admins. Tests that need a refusal from a
/// server in their own process (whose uid is the daemon's) build a narrower set through
/// `@testable import`; nothing in the product can turn the implicit admins off.
public struct AdminPolicy: Sendable, Hashable {
    /// The uids allowed to run admin commands.
    public let adminUIDs: Set<UInt32>

    init(adminUIDs: Set<UInt32>) {
        self.adminUIDs = adminUIDs
    }

    /// Root, the daemon's own effective uid, and the uids in `listed` (`admin_uids`).
    public static func rootAndDaemonUser(adding listed: Set<UInt32> = []) -> AdminPolicy {
        AdminPolicy(adminUIDs: listed.union([0, UInt32(geteuid())]))
    }

    /// Whether a peer with this uid (nil: unknown, e.g. SO_PEERCRED failed) may run admin
    /// commands. An unknown peer never may.
    public func permits(uid: UInt32?) -> Bool {
        guard let uid else { return false }
        return adminUIDs.contains(uid)
    }
}
