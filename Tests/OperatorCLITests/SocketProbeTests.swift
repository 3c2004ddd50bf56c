import Foundation
import OperatorCLI
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What the probe says about each kind of path, made for real in a temporary directory.
final class SocketProbeTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("socket-probe-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A Unix socket of `type` bound at `path`, listening when `listen` (stream only).
    private func bind(_ path: String, type: Int32, listen shouldListen: Bool) throws -> Int32 {
        let descriptor = socket(AF_UNIX, type, 0)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8)
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0, String(cString: strerror(errno)))
        if shouldListen { XCTAssertEqual(listen(descriptor, 4), 0) }
        return descriptor
    }

    func testNothingAtThePathMeansTheDaemonIsDown() {
        let problem = SocketProbe.diagnose(path: directory + "/absent.sock")
        XCTAssertEqual(problem, .missing)
        XCTAssertTrue(problem.meansDaemonDown)
    }

    func testASocketNobodyListensOnIsRefused() throws {
        let path = directory + "/stale.sock"
        let descriptor = try bind(path, type: Int32(SOCK_STREAM.rawValue), listen: false)
        defer { close(descriptor) }
        XCTAssertEqual(SocketProbe.diagnose(path: path), .refused)
    }

    func testADatagramSocketIsTheWrongTypeNotADaemonDown() throws {
        let path = directory + "/notify.sock"
        let descriptor = try bind(path, type: Int32(SOCK_DGRAM.rawValue), listen: false)
        defer { close(descriptor) }
        let problem = SocketProbe.diagnose(path: path)
        XCTAssertEqual(problem, .wrongSocketType)
        XCTAssertFalse(problem.meansDaemonDown)
        XCTAssertTrue(problem.explanation(path: path).contains("wrong type"))
    }

    func testARegularFileIsNotASocket() throws {
        let path = directory + "/file"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        XCTAssertEqual(SocketProbe.diagnose(path: path), .notASocket(fileType: "regular file"))
        XCTAssertEqual(SocketProbe.diagnose(path: directory), .notASocket(fileType: "directory"))
    }

    func testAListeningSocketAnswersOnRetry() throws {
        let path = directory + "/live.sock"
        let descriptor = try bind(path, type: Int32(SOCK_STREAM.rawValue), listen: true)
        defer { close(descriptor) }
        XCTAssertEqual(SocketProbe.diagnose(path: path), .answeredOnRetry)
    }
}
