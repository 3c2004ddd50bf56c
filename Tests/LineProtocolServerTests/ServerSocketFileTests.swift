import Foundation
import LineProtocolServer
import LineProtocolTesting
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class ServerSocketFileTests: XCTestCase {
    func testSocketFileHasMode0660() async throws {
        let harness = try await ServerHarness.start()
        var info = stat()
        XCTAssertEqual(lstat(harness.socketPath, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(info.st_mode & 0o777, 0o660)
        await harness.stop()
    }

    func testStaleSocketFileIsReplaced() async throws {
        let directory = try ServerHarness.makeTemporaryDirectory()
        let path = directory + "/paymentd.sock"
        let descriptor = try Self.listeningSocket(at: path)
        close(descriptor)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "a closed listener leaves its file behind")
        let harness = try await ServerHarness.start(directory: directory)
        let pong = try await BlockingWork.run { try harness.rawClient().exchange("ping") }
        XCTAssertEqual(pong["result"], ["pong": true])
        await harness.stop()
    }

    func testLiveSocketIsRefusedAndKeepsServing() async throws {
        let live = try await ServerHarness.start()
        do {
            _ = try await ServerHarness.start(directory: live.directory)
            XCTFail("a second server bound over a live one")
        } catch let error as ProtocolServerError {
            XCTAssertEqual(error, .socketInUse(path: live.socketPath))
            XCTAssertEqual(error.code, "socket_in_use")
        }
        let pong = try await BlockingWork.run { try live.rawClient().exchange("ping") }
        XCTAssertEqual(pong["result"], ["pong": true])
        await live.stop()
    }

    func testAFileThatIsNotASocketIsNeverRemoved() async throws {
        let directory = try ServerHarness.makeTemporaryDirectory()
        let path = directory + "/paymentd.sock"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8)))
        do {
            _ = try await ServerHarness.start(directory: directory)
            XCTFail("bound over a regular file")
        } catch let error as ProtocolServerError {
            XCTAssertEqual(error.code, "socket_path_occupied")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data("keep me".utf8))
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testSocketFileIsRemovedAfterShutdownAndNobodyIsAcceptedAnyMore() async throws {
        let harness = try await ServerHarness.start()
        await harness.stop(removingDirectory: false)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.socketPath))
        XCTAssertThrowsError(try harness.rawClient())
        try? FileManager.default.removeItem(atPath: harness.directory)
    }

    func testAnInheritedListeningSocketIsAdoptedAndNotUnlinked() async throws {
        let directory = try ServerHarness.makeTemporaryDirectory()
        let path = directory + "/activated.sock"
        let descriptor = try Self.listeningSocket(at: path)
        let service = InMemoryPaymentService()
        let server = try await ProtocolServer.bind(
            configuration: ProtocolServerConfiguration(listener: .inheritedDescriptor(descriptor)), service: service) {}
        XCTAssertEqual(server.address, "fd:\(descriptor)")
        let running = Task { try? await server.run() }
        let version = try await BlockingWork.run { try RawUnixConnection(path: path).exchange("version") }
        XCTAssertEqual(version["result"]?["protocol"], 1)
        XCTAssertEqual(version["result"]?["daemon"], "test-double 1.0")
        server.shutdown()
        await running.value
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "systemd owns an activated socket's file")
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testAnInheritedDescriptorThatIsNotListeningIsRefused() async throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        do {
            _ = try await ProtocolServer.bind(
                configuration: ProtocolServerConfiguration(listener: .inheritedDescriptor(descriptor)), service: InMemoryPaymentService()) {}
            XCTFail("adopted a socket that is not listening")
        } catch {
            XCTAssertEqual(error.code, "invalid_inherited_socket")
        }
        let pipeEnds = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
        defer { pipeEnds.deallocate() }
        XCTAssertEqual(pipe(pipeEnds), 0)
        defer { close(pipeEnds[0]); close(pipeEnds[1]) }
        do {
            _ = try await ProtocolServer.bind(
                configuration: ProtocolServerConfiguration(listener: .inheritedDescriptor(pipeEnds[0])), service: InMemoryPaymentService()) {}
            XCTFail("adopted a pipe")
        } catch {
            XCTAssertEqual(error.code, "invalid_inherited_socket")
        }
    }

    /// A listening Unix socket made by hand, as systemd would pass it.
    static func listeningSocket(at path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw RawUnixConnection.Failure(description: "bind/listen: errno \(errno)") }
        return descriptor
    }
}
