import HTTPPost
import XCTest

final class HTTPPostClientTests: XCTestCase {
    func testPostReturnsResponseBody() async throws {
        let server = try LoopbackHTTPServer { body in (200, "echo:" + body, 0) }
        defer { server.close() }
        let client = HTTPPostClient(url: "http://127.0.0.1:\(server.port)/")
        let reply = try await client.post(Array(#"{"jsonrpc":"2.0"}"#.utf8))
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), #"echo:{"jsonrpc":"2.0"}"#)
    }

    func testConsecutivePostsReuseOneConnection() async throws {
        let server = try LoopbackHTTPServer { body in (200, body, 0) }
        defer { server.close() }
        let client = HTTPPostClient(url: "http://127.0.0.1:\(server.port)/")
        for i in 0..<20 {
            let reply = try await client.post(Array("\(i)".utf8))
            XCTAssertEqual(String(decoding: reply, as: UTF8.self), "\(i)")
        }
        XCTAssertEqual(server.acceptedConnections, 1)
    }

    func testLargeBodyArrivesWhole() async throws {
        let server = try LoopbackHTTPServer { body in (200, "\(body.utf8.count)", 0) }
        defer { server.close() }
        let client = HTTPPostClient(url: "http://127.0.0.1:\(server.port)/")
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 3_000_000)
        let reply = try await client.post(big)
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "3000000")
    }

    func testServerErrorStatusIsTyped() async throws {
        let server = try LoopbackHTTPServer { _ in (503, "busy", 0) }
        defer { server.close() }
        let client = HTTPPostClient(url: "http://127.0.0.1:\(server.port)/")
        do {
            _ = try await client.post([])
            XCTFail("a 503 must throw")
        } catch {
            XCTAssertEqual(error, .status(503, body: "busy"))
            XCTAssertEqual(error.code, "rpc_http_error")
        }
    }

    func testRefusedConnectionIsTransportError() async throws {
        let server = try LoopbackHTTPServer { _ in (200, "", 0) }
        let port = server.port
        server.close()
        let client = HTTPPostClient(url: "http://127.0.0.1:\(port)/")
        do {
            _ = try await client.post([])
            XCTFail("a closed port must throw")
        } catch {
            guard case .transport = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(error.code, "rpc_unavailable")
        }
    }

    func testSlowServerTimesOut() async throws {
        let server = try LoopbackHTTPServer { _ in (200, "late", 2) }
        defer { server.close() }
        let client = HTTPPostClient(url: "http://127.0.0.1:\(server.port)/", timeoutMilliseconds: 200)
        do {
            _ = try await client.post([])
            XCTFail("a server slower than the timeout must throw")
        } catch {
            XCTAssertEqual(error, .timedOut(milliseconds: 200))
        }
    }
}
