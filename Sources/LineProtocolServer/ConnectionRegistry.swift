import Foundation
import NIOCore

/// The server's live connections and whether it is draining: what the connection limit
/// counts, and what `shutdown()` and the drain deadline reach.
final class ConnectionRegistry: @unchecked Sendable {
    // @unchecked Sendable: `channels` and `draining` are only read or written while holding
    // `lock`, and so is `drainDeadline`; the lock is never held across a call out (channels are closed after it is
    // released).
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: any Channel] = [:]
    private var draining = false
    private var drainDeadline: Scheduled<Void>?
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    enum Admission {
        case admitted(draining: Bool)
        case refused
    }

    func admit(_ channel: any Channel) -> Admission {
        lock.lock()
        defer { lock.unlock() }
        guard channels.count < limit else { return .refused }
        channels[ObjectIdentifier(channel)] = channel
        return .admitted(draining: draining)
    }

    func remove(_ channel: any Channel) {
        lock.lock()
        channels[ObjectIdentifier(channel)] = nil
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return channels.count
    }

    var isDraining: Bool {
        lock.lock()
        defer { lock.unlock() }
        return draining
    }

    /// Marks the server draining; returns false if it already was.
    func beginDraining() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if draining { return false }
        draining = true
        return true
    }

    /// Stops reading from every connection: requests already read are still answered.
    func closeAllInputs() {
        for channel in snapshot() { channel.close(mode: .input, promise: nil) }
    }

    func setDrainDeadline(_ deadline: Scheduled<Void>) {
        lock.lock()
        drainDeadline = deadline
        lock.unlock()
    }

    func cancelDrainDeadline() {
        lock.lock()
        let deadline = drainDeadline
        drainDeadline = nil
        lock.unlock()
        deadline?.cancel()
    }

    func closeAll() {
        for channel in snapshot() { channel.close(promise: nil) }
    }

    private func snapshot() -> [any Channel] {
        lock.lock()
        defer { lock.unlock() }
        return Array(channels.values)
    }
}
