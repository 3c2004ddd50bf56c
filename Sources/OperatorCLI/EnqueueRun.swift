import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec
import PaymentModel

/// Enqueues many payments over one connection, pipelined: up to `window` requests are in
/// flight at once (the daemon reads at most 64 ahead per connection), and a new one goes out
/// as each answer comes back. Every line gets an outcome; a refusal or a lost connection
/// does not stop the others (the client reconnects, and idempotency keys make a second run
/// safe). `progress` is called after each answer with the number done.
public struct EnqueueRun: Sendable {
    public var window: Int

    public init(window: Int = 64) {
        self.window = max(1, window)
    }

    public func run(_ items: [EnqueueInput.Item], client: PaymentdClient,
                    progress: @Sendable (Int) -> Void) async -> [EnqueueOutcome] {
        var outcomes = [EnqueueOutcome?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, EnqueueOutcome).self) { group in
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                let request = items[index].request
                group.addTask { (index, await Self.enqueue(request, client: client)) }
                next += 1
            }
            for _ in 0..<min(window, items.count) { startNext() }
            var done = 0
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                done += 1
                progress(done)
                startNext()
            }
        }
        return outcomes.map { $0 ?? .failed(.connectionClosed) }
    }

    static func enqueue(_ request: PaymentRequest, client: PaymentdClient) async -> EnqueueOutcome {
        do {
            let result = try await client.send(.enqueue(request))
            return .accepted(result: result, duplicate: result["duplicate"]?.boolValue ?? false)
        } catch {
            return .failed(error)
        }
    }
}
