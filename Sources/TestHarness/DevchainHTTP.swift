import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 POST to 127.0.0.1, for the devchain's control methods.
///
/// Test code calls the node's fault-injection and mining methods synchronously between steps;
/// this target cannot use the production HTTP client, and URLSession's threads and run loops
/// are more machinery than one request needs. One request per connection (`Connection: close`),
/// read to EOF, with send and receive timeouts so a wedged node fails the test instead of
/// hanging it.
enum DevchainHTTP {
    struct Response {
        let status: Int
        let body: [UInt8]
    }

    static func post(port: UInt16, body: [UInt8], timeoutSeconds: Int = 30) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            throw HarnessError("Cannot connect to the devchain on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }

        let head = "POST / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try writeAll(fd, Array(head.utf8) + body)

        var received = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw HarnessError("Reading the devchain's answer failed: \(String(cString: strerror(errno)))")
            }
        }
        return try parse(received)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw HarnessError("Sending to the devchain failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Status line, headers, then the body (cut to Content-Length when given).
    private static func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw HarnessError("The devchain's HTTP answer has no header end: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        let headerLines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n")
        let statusWords = headerLines.first?.split(separator: " ") ?? []
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw HarnessError("The devchain's HTTP answer has no status line: \(headerLines.first ?? "")")
        }
        var body = Array(bytes[(end + separator.count)...])
        for line in headerLines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length",
               let length = Int(parts[1].trimmingCharacters(in: .whitespaces)), length <= body.count {
                body = Array(body.prefix(length))
            }
        }
        return Response(status: status, body: body)
    }
}
