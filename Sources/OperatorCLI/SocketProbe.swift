#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Looks at a socket path the client could not connect to and says why (`SocketProblem`):
/// `lstat` for what the file is (a symbolic link is left to `connect`, which follows it), then one stream `connect` for what the kernel answers. The
/// client's own error only says that the connection failed; an operator needs to know whether
/// the daemon is down, the path is wrong, or the user lacks the group.
public enum SocketProbe {
    public static func diagnose(path: String) -> SocketProblem {
        var info = stat()
        if lstat(path, &info) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .missing }
            if code == EACCES { return .permissionDenied }
            return .other(String(cString: strerror(code)))
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFSOCK || type == S_IFLNK else { return .notASocket(fileType: describe(type)) }
        switch connectOnce(path) {
        case 0: return .answeredOnRetry
        case ECONNREFUSED, EAGAIN: return .refused
        case EACCES, EPERM: return .permissionDenied
        case EPROTOTYPE: return .wrongSocketType
        case ENOENT: return .missing
        case let code: return .other(String(cString: strerror(code)))
        }
    }

    /// 0 when a stream connection to `path` succeeds, else the errno of `connect`.
    private static func connectOnce(_ path: String) -> Int32 {
        guard let address = try? SocketAddress(unixDomainSocketPath: path) else { return ENAMETOOLONG }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        let result = address.withSockAddr { connect(descriptor, $0, socklen_t($1)) }
        return result == 0 ? 0 : errno
    }

    private static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFREG: "regular file"
        case S_IFDIR: "directory"
        case S_IFIFO: "named pipe"
        case S_IFCHR, S_IFBLK: "device"
        default: "file"
        }
    }
}
