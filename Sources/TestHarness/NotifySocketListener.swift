import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What systemd would see of a `Type=notify` service: a Unix datagram socket to pass as
/// `NOTIFY_SOCKET`, and every datagram the daemon sends to it (`READY=1`, `STATUS=…`,
/// `WATCHDOG=1`, `RELOADING=1`, `STOPPING=1`), each with the time it arrived.
///
/// A thread of its own receives; tests read the messages and wait for assignments with the
/// async `waitFor` calls, which poll without blocking Swift's cooperative pool.
public final class NotifySocketListener: Sendable {
    /// One datagram: its text and its assignment lines.
    public struct Message: Sendable, CustomStringConvertible {
        public let text: String
        public let receivedAt: Date
        public var lines: [String] { text.split(separator: "\n").map(String.init) }
        public var description: String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return "\(formatter.string(from: receivedAt)) \(text.replacingOccurrences(of: "\n", with: " | "))"
        }
    }

    public let path: String
    private let descriptor: Int32
    private let received = Mutex<[Message]>([])
    private let closed = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Binds a datagram socket at `path` (at most 107 bytes) and starts receiving.
    public init(path: String) throws {
        guard path.utf8.count < 108 else { throw HarnessError("notify socket path too long: \(path)") }
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket(AF_UNIX, SOCK_DGRAM): \(String(cString: strerror(errno)))") }
        self.path = path
        let descriptor = self.descriptor
        let bound = UnixSocketAddress.with(path: path) { bind(descriptor, $0, $1) }
        guard bound == 0 else {
            let error = errno
            Glibc.close(descriptor)
            throw HarnessError("bind \(path): \(String(cString: strerror(error)))")
        }
        chmod(path, 0o666)
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in receiveLoop() }
        thread.name = "notify-listener"
        thread.stackSize = 1 << 18
        thread.start()
    }

    deinit {
        close()
    }

    /// Stops receiving and removes the socket file. Idempotent.
    public func close() {
        let wasClosed = closed.withLock { value -> Bool in
            defer { value = true }
            return value
        }
        guard !wasClosed else { return }
        finished.wait()
        Glibc.close(descriptor)
        unlink(path)
    }

    /// Every datagram so far, oldest first.
    public var messages: [Message] { received.withLock { $0 } }

    /// How many datagrams arrived so far: pass it as `after` to wait only for later ones.
    public var count: Int { received.withLock { $0.count } }

    /// The datagrams (from index `after` on) holding the assignment line `line` exactly.
    public func messages(containing line: String, after: Int = 0) -> [Message] {
        let all = messages
        guard after < all.count else { return [] }
        return all[after...].filter { $0.lines.contains(line) }
    }

    /// Every `STATUS=` text so far, oldest first.
    public var statusLines: [String] {
        messages.flatMap(\.lines).filter { $0.hasPrefix("STATUS=") }.map { String($0.dropFirst("STATUS=".count)) }
    }

    /// Waits for the first datagram at index `after` or later with an assignment line for which
    /// `matches` holds; returns its index and the datagram. Throws (with everything received)
    /// after `timeout` seconds, or at once when `givingUpIf` says the sender is gone.
    @discardableResult
    public func waitFor(after: Int = 0, timeout: Double, description: String,
                        givingUpIf gone: @Sendable () -> String? = { nil },
                        where matches: (String) -> Bool) async throws -> (index: Int, message: Message) {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let all = messages
            if after < all.count, let index = all[after...].firstIndex(where: { $0.lines.contains(where: matches) }) {
                return (index, all[index])
            }
            if let reason = gone() {
                throw HarnessError("no \(description) on NOTIFY_SOCKET: \(reason). Received:\n\(transcript)")
            }
            if Date() > deadline {
                throw HarnessError("no \(description) on NOTIFY_SOCKET within \(timeout) s. Received:\n\(transcript)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the assignment `line` (e.g. `READY=1`) exactly.
    @discardableResult
    public func waitFor(_ line: String, after: Int = 0, timeout: Double,
                        givingUpIf gone: @Sendable () -> String? = { nil }) async throws -> (index: Int, message: Message) {
        try await waitFor(after: after, timeout: timeout, description: line, givingUpIf: gone) { $0 == line }
    }

    /// Everything received, one datagram a line, for failure messages.
    public var transcript: String {
        let all = messages
        return all.isEmpty ? "(nothing)" : all.suffix(200).map(\.description).joined(separator: "\n")
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !closed.withLock({ $0 }) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let message = Message(text: String(decoding: buffer[0..<count], as: UTF8.self), receivedAt: Date())
                received.withLock { $0.append(message) }
            }
        }
        finished.signal()
    }
}
