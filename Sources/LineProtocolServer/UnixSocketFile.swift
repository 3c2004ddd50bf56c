#if canImport(Glibc)
import Glibc
#endif

/// The socket file at a configured path: deciding whether an existing one is stale, and giving
/// a fresh one mode 0660 and the configured group.
///
/// Stale means nothing accepts connections on it (ECONNREFUSED): the daemon that made it is
/// gone, and the file only blocks `bind`. A file somebody answers on is live and is never
/// removed; anything that is not a socket is not ours and is never removed either.
enum UnixSocketFile {
    /// The identity of a file, to unlink at exit only the socket file we created.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    static func removeIfStale(path: String) throws(ProtocolServerError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .socketPathUnusable(path: path, errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw .socketPathOccupied(path: path) }
        switch probe(path: path) {
        case 0, EAGAIN, EINPROGRESS:
            throw .socketInUse(path: path)
        case ECONNREFUSED:
            guard unlink(path) == 0 || errno == ENOENT else { throw .socketPathUnusable(path: path, errno: errno) }
        case ENOENT:
            return
        case let failure:
            throw .socketPathUnusable(path: path, errno: failure)
        }
    }

    /// chmod 0660, and chown to `groupID` when given.
    static func restrict(path: String, groupID: UInt32?) throws(ProtocolServerError) {
        if let groupID, chown(path, uid_t.max, gid_t(groupID)) != 0 {
            throw .socketPermissionsFailed(path: path, errno: errno)
        }
        guard chmod(path, 0o660) == 0 else { throw .socketPermissionsFailed(path: path, errno: errno) }
    }

    static func identity(path: String) -> Identity? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Removes the file at `path` if it is still the one we created.
    static func removeIfOurs(path: String, identity: Identity) {
        if Self.identity(path: path) == identity { unlink(path) }
    }

    /// Tries a non-blocking connect; returns 0 on success or the errno.
    private static func probe(path: String) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return ENAMETOOLONG }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? 0 : errno
    }
}
