import Foundation
import LineProtocolClient
import LineProtocolTesting
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The socket file when `paymentd` binds its configured path itself: mode 0660, removed at a
/// clean exit, a stale one (left by a killed daemon) replaced, a live one or a non-socket file
/// never taken over.
final class SocketFileTests: XCTestCase {
    func testTheSocketFileIsMode0660AndRemovedAtACleanExit() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon()
        let path = bed.workspace.socketPath
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(info.st_mode & 0o7777, 0o660, String(info.st_mode & 0o7777, radix: 8))
        if getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            // Others (uid 65534, not in the socket's group) cannot even connect.
            let socat = try TranscriptAndSocatTests.socatPath()
            let output = try await BlockingWork.run {
                try ChildProcess.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", socat, "-t", "3", "-",
                                                           "UNIX-CONNECT:\(path)"], input: "ping\n")
            }
            XCTAssertFalse(output.stdout.contains("pong"), output.description)
            XCTAssertTrue(output.stderr.contains("Permission denied"), output.description)
        }
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the daemon removes the socket file it created")
    }

    func testSocketGroupLetsItsMembersConnect() async throws {
        // Acting as another user needs root and setpriv (util-linux); scripts/test.sh runs as root.
        XCTAssertEqual(getuid(), 0, "this test must run as root to connect as another user")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "setpriv (util-linux) is missing")
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon(.init(environment: ["PAYMENTD_SOCKET_GROUP": "65534"]))
        let path = bed.workspace.socketPath
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0)
        XCTAssertEqual(info.st_gid, 65534, "the socket file belongs to the configured group")
        XCTAssertEqual(info.st_mode & 0o7777, 0o660)
        let socat = try TranscriptAndSocatTests.socatPath()
        let output = try await BlockingWork.run {
            try ChildProcess.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", socat, "-t", "3", "-",
                                                       "UNIX-CONNECT:\(path)"], input: "ping\n")
        }
        XCTAssertTrue(output.stdout.contains("pong"), "a member of the socket's group may connect: \(output.description)")
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    func testAStaleSocketFileLeftByAKilledDaemonIsReplaced() async throws {
        let bed = try await DaemonTestbed()
        let path = bed.workspace.socketPath
        let killed = try await bed.startDaemon()
        let staleChange = try Self.changeTime(path)
        killed.kill9()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "kill -9 leaves the file behind")
        XCTAssertThrowsError(try RawUnixConnection(path: path), "nobody answers on a stale socket")

        let restarted = try await bed.startDaemon()
        XCTAssertGreaterThan(try Self.changeTime(path), staleChange, "a fresh socket replaced the stale file")
        let client = bed.client()
        try await client.ping()
        await client.close()
        let status = await restarted.terminate()
        XCTAssertEqual(status, 0, restarted.logTail())
    }

    func testALiveSocketIsNeverTakenOverAndAFileThatIsNotASocketIsNeverRemoved() async throws {
        let bed = try await DaemonTestbed()
        let path = bed.workspace.socketPath
        let first = try await bed.startDaemon()
        let inode = try SocketActivationTests.inode(path)

        let second = try PaymentdProcess.start(bed.workspace)
        let secondStatus = try await second.waitForExit(timeout: 90)
        XCTAssertNotEqual(secondStatus, 0)
        XCTAssertTrue(second.log().contains("Another process is listening on \(path)"), second.logTail())
        XCTAssertEqual(second.notifications.messages(containing: "READY=1").count, 0)
        XCTAssertEqual(try SocketActivationTests.inode(path), inode)
        let client = bed.client()
        try await client.ping()
        await client.close()
        let firstStatus = await first.terminate()
        XCTAssertEqual(firstStatus, 0, first.logTail())

        let regular = bed.workspace.directory + "/not-a-socket"
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: regular))
        let third = try PaymentdProcess.start(bed.workspace, .init(extraArguments: ["--socket", regular]))
        let thirdStatus = try await third.waitForExit(timeout: 90)
        XCTAssertNotEqual(thirdStatus, 0)
        XCTAssertTrue(third.log().contains("is not a socket"), third.logTail())
        XCTAssertEqual(try String(contentsOfFile: regular, encoding: .utf8), "keep me\n")
    }

    /// The file's status change time in nanoseconds (a replaced file may reuse the inode number).
    static func changeTime(_ path: String) throws -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw HarnessError("lstat \(path): \(String(cString: strerror(errno)))") }
        return Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }
}
