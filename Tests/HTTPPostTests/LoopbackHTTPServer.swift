import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for the client tests: it answers every POST with a body
/// chosen by `respond`, keeps connections alive, and counts how many it accepted.
final class LoopbackHTTPServer: @unchecked Sendable {
    // @unchecked Sendable: mutable counters are only touched while holding `lock`.
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var accepted = 0
    private let respond: @Sendable (String) -> (status: Int, body: String, delaySeconds: Double)

    init(respond: @escaping @Sendable (String) -> (status: Int, body: String, delaySeconds: Double)) throws {
        self.respond = respond
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var acceptedConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return accepted
    }

    func close() { shutdown(listener, Int32(SHUT_RDWR)); Glibc.close(listener) }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            lock.lock()
            accepted += 1
            lock.unlock()
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { Glibc.close(client) }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            guard let headerEnd = find(pending, "\r\n\r\n") else {
                let n = read(client, &chunk, chunk.count)
                if n <= 0 { return }
                pending += chunk[0..<n]
                continue
            }
            let head = String(decoding: pending[0..<headerEnd], as: UTF8.self)
            let contentLength = head.split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            while pending.count < headerEnd + 4 + contentLength {
                let n = read(client, &chunk, chunk.count)
                if n <= 0 { return }
                pending += chunk[0..<n]
            }
            let body = String(decoding: pending[(headerEnd + 4)..<(headerEnd + 4 + contentLength)], as: UTF8.self)
            pending.removeFirst(headerEnd + 4 + contentLength)
            let answer = respond(body)
            if answer.delaySeconds > 0 { Thread.sleep(forTimeInterval: answer.delaySeconds) }
            let payload = Array(answer.body.utf8)
            let response = "HTTP/1.1 \(answer.status) X\r\nContent-Type: application/json\r\nContent-Length: \(payload.count)\r\n\r\n"
            let bytes = Array(response.utf8) + payload
            _ = bytes.withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
        }
    }

    private func find(_ haystack: [UInt8], _ needle: String) -> Int? {
        let n = Array(needle.utf8)
        guard haystack.count >= n.count else { return nil }
        for i in 0...(haystack.count - n.count) where Array(haystack[i..<(i + n.count)]) == n { return i }
        return nil
    }
}
