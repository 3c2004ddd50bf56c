import Foundation
import PaymentModel
import Synchronization

/// Fans state changes out to every `watch` subscriber. A slow subscriber loses the oldest
/// events beyond its buffer rather than slowing the loops down.
final class EventHub: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<PaymentEvent>.Continuation]>([:])

    func subscribe() -> AsyncStream<PaymentEvent> {
        let (stream, continuation) = AsyncStream<PaymentEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ events: [PaymentEvent]) {
        guard !events.isEmpty else { return }
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for event in events { continuation.yield(event) }
        }
    }

    func publish(ids: [String], status: PaymentStatus, txHashes: [String?]? = nil, errors: [String?]? = nil) {
        let now = Date()
        publish(ids.enumerated().map { index, id in
            PaymentEvent(paymentID: id, status: status, txHash: txHashes?[index], error: errors?[index], at: now)
        })
    }

    func finishAll() {
        let targets = subscribers.withLock { dict in
            defer { dict.removeAll() }
            return Array(dict.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
