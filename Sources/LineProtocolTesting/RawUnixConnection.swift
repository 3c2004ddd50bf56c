import Foundation
import JSON
import LineProtocolCodec
import TestHarness
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain blocking Unix-socket client for what `PaymentdClient` never does:
/// raw bytes, half-closes, oversized lines, abandoned connections. Responses are framed by the
/// protocol's own `LineFramer`. Blocking calls belong on a thread of their own
/// (`BlockingWork.run`), never on Swift's cooperative pool. Shared by the protocol
/// server's tests and the daemon's.
public final class RawUnixConnection: @unchecked Sendable {
    // @unchecked Sendable: each connection is used by one thread at a time (a test hands it to
    // one `BlockingWork.run` block after another, awaiting each), so `framer` is never shared.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    public let descriptor: Int32
    private var framer = LineFramer(maximumLineBytes: LineBoundary.maximumResponseLineBytes)
    private var sawEOF = false
    private var isClosed = false

    public init(path: String, receiveTimeoutSeconds: Int = 30) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        let descriptor = self.descriptor
        let result = UnixSocketAddress.with(path: path) { connect(descriptor, $0, $1) }
        guard result == 0 else {
            let error = errno
            Glibc.close(descriptor)
            throw Failure(description: "connect \(path): \(String(cString: strerror(error)))")
        }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    public func send(line: String) throws {
        try send(Array(line.utf8) + [UInt8(ascii: "\n")])
    }

    public func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// The next line, or nil at the end of the stream (EOF, or a reset after the daemon closed).
    public func readLine() throws -> [UInt8]? {
        while true {
            if let framed = framer.nextLine() {
                guard case .line(let line) = framed else { throw Failure(description: "response line too long") }
                return line
            }
            if sawEOF { return nil }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                framer.append(chunk[0..<count])
            } else if count == 0 || errno == ECONNRESET {
                sawEOF = true
                if case .line(let line)? = framer.finish() { return line }
                return nil
            } else if errno != EINTR {
                throw Failure(description: "recv: \(String(cString: strerror(errno))) (no response in time?)")
            }
        }
    }

    /// The next line as JSON, or nil at the end of the stream.
    public func readJSON() throws -> JSONValue? {
        guard let line = try readLine() else { return nil }
        do {
            return try StrictJSONParser.parse(line, maximumDepth: 256)
        } catch {
            throw Failure(description: "the daemon sent a line that is not JSON: \(String(decoding: line.prefix(300), as: UTF8.self))")
        }
    }

    /// Sends one line and reads one JSON response.
    public func exchange(_ line: String) throws -> JSONValue {
        try send(line: line)
        guard let response = try readJSON() else { throw Failure(description: "the connection closed instead of answering \(line)") }
        return response
    }

    /// Reads until the daemon closes the connection; returns the lines that came first.
    public func readUntilClosed() throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        while let line = try readLine() { lines.append(line) }
        return lines
    }
}
