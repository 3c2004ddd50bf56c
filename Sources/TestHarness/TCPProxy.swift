import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A second (third, …) front door to a local TCP service: `socat` listening on a port of its
/// own and forwarding every connection to the service. Tests of RPC failover put two of them
/// before one devchain and kill one mid-load: the chain stays, one endpoint dies for real
/// (refused connections, kept-alive connections reset), the way a provider's node goes away.
///
/// socat forks a child per connection; like every `ChildProcess` it runs in a process group of
/// its own, so `kill9()` ends the listener and every connection it forwards at once.
public final class TCPProxy: Sendable {
    public let port: UInt16
    private let child: ChildProcess
    public var pid: pid_t { child.pid }

    /// `http://127.0.0.1:<port>`, for a JSON-RPC endpoint behind the proxy.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts forwarding a free local port to `targetPort` and waits until it accepts connections.
    public init(forwardingTo targetPort: UInt16) throws {
        let socat = try Self.socatPath()
        port = try Self.freePort()
        child = try ChildProcess.spawn(socat, ["TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork", "TCP:127.0.0.1:\(targetPort)"],
                                       environment: [:])
        let deadline = Date().addingTimeInterval(10)
        while !Self.accepts(port) {
            guard Date() < deadline else {
                kill9()
                throw HarnessError("socat did not listen on port \(port) within 10 s")
            }
            usleep(20_000)
        }
    }

    deinit { kill9() }

    /// SIGKILL to the listener and every connection it forks; the port refuses connections
    /// afterwards. Safe to call twice.
    public func kill9() {
        child.kill()
    }

    /// The path of `socat`, or an error that says how to install it.
    public static func socatPath() throws -> String {
        for candidate in ["/usr/bin/socat", "/bin/socat"] where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        throw HarnessError("socat is not installed (apt-get install -y socat)")
    }

    /// A port nobody listens on now (the kernel's pick for port 0, released at once).
    private static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError("cannot find a free port: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func accepts(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
