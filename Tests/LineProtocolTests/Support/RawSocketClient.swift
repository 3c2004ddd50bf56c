import Foundation
import JSON
import LineProtocol
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain client on a blocking Unix socket, for what the real client never
/// does: half-closing, sending garbage or oversized lines, abandoning a connection. Reads are
/// framed by the protocol's own `LineFramer`. Blocking calls run on a thread of their own
/// (`RawSocketClient.blocking`), never on Swift's cooperative pool.
final class RawSocketClient: @unchecked Sendable {
    // @unchecked Sendable: a test uses each client from one `blocking` call at a time (it
    // awaits every call before the next), so `framer` is never touched concurrently.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let descriptor: Int32
    private var framer = LineFramer(maximumLineBytes: LineBoundary.maximumResponseLineBytes)
    private var sawEOF = false

    init(path: String, receiveTimeoutSeconds: Int = 10) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            Glibc.close(descriptor)
            throw Failure(description: "connect \(path): errno \(error)")
        }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(descriptor) }

    /// Runs blocking socket work on a fresh thread and awaits its result.
    static func blocking<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try work() })
            }
        }
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += written
        }
    }

    func send(line: String) throws {
        try send(Array(line.utf8) + [UInt8(ascii: "\n")])
    }

    func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// The next line, or nil at end of input (EOF or a reset after the daemon closed).
    func readLine() throws -> [UInt8]? {
        while true {
            if let framed = framer.nextLine() {
                guard case .line(let line) = framed else { throw Failure(description: "response line too long") }
                return line
            }
            if sawEOF { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                framer.append(chunk[0..<count])
            } else if count == 0 || errno == ECONNRESET {
                sawEOF = true
                if case .line(let line)? = framer.finish() { return line }
                return nil
            } else {
                throw Failure(description: "recv: errno \(errno) (timeout?)")
            }
        }
    }

    /// The next line parsed as JSON, or nil at end of input.
    func readJSON() throws -> JSONValue? {
        guard let line = try readLine() else { return nil }
        return try StrictJSONParser.parse(line, maximumDepth: 256)
    }

    /// Sends one line and reads one JSON response.
    func exchange(_ line: String) throws -> JSONValue {
        try send(line: line)
        guard let response = try readJSON() else { throw Failure(description: "connection closed instead of answering \(line)") }
        return response
    }

    /// Reads until the daemon closes the connection; returns the lines that came before.
    func readUntilClosed() throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        while let line = try readLine() { lines.append(line) }
        return lines
    }
}
