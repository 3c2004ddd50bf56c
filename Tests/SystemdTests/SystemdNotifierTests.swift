import Foundation
import Systemd
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class SystemdNotifierTests: XCTestCase {
    override func tearDown() {
        for name in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "WATCHDOG_PID"] { unsetenv(name) }
    }

    func testNotifyIsNoOpWithoutServiceManager() throws {
        unsetenv("NOTIFY_SOCKET")
        XCTAssertFalse(try SystemdNotifier.ready())
    }

    func testReadyAndStatusReachNotifySocket() throws {
        let listener = try DatagramListener()
        setenv("NOTIFY_SOCKET", listener.path, 1)
        XCTAssertTrue(try SystemdNotifier.ready(status: "12 pending\n3 sent"))
        XCTAssertEqual(listener.receive(), "READY=1\nSTATUS=12 pending 3 sent")
        XCTAssertTrue(try SystemdNotifier.watchdog())
        XCTAssertEqual(listener.receive(), "WATCHDOG=1")
        XCTAssertTrue(try SystemdNotifier.stopping())
        XCTAssertEqual(listener.receive(), "STOPPING=1")
        XCTAssertTrue(try SystemdNotifier.reloading())
        XCTAssertEqual(listener.receive(), "RELOADING=1")
    }

    func testWatchdogIntervalComesFromEnvironment() throws {
        XCTAssertNil(try SystemdNotifier.watchdogInterval())
        setenv("WATCHDOG_USEC", "2500000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        XCTAssertEqual(try SystemdNotifier.watchdogInterval(), .milliseconds(2500))
    }

    func testWatchdogIntervalForAnotherProcessIsIgnored() throws {
        setenv("WATCHDOG_USEC", "2500000", 1)
        setenv("WATCHDOG_PID", "\(getpid() + 1)", 1)
        XCTAssertNil(try SystemdNotifier.watchdogInterval())
    }

    func testListenFileDescriptorsFollowsListenPID() throws {
        XCTAssertEqual(try SystemdNotifier.listenFileDescriptors(), [])
        setenv("LISTEN_FDS", "2", 1)
        setenv("LISTEN_PID", "\(getpid())", 1)
        XCTAssertEqual(try SystemdNotifier.listenFileDescriptors(), [3, 4])
        setenv("LISTEN_PID", "\(getpid() + 1)", 1)
        XCTAssertEqual(try SystemdNotifier.listenFileDescriptors(), [])
    }
}

/// A NOTIFY_SOCKET stand-in: a bound Unix datagram socket in a temporary directory.
private final class DatagramListener {
    let path: String
    private let fd: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/notify-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        unlink(path)
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }
}
