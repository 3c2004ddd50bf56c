import Foundation
import LineProtocolClient
import PaymentModel
import Synchronization

/// Enqueues requests over the socket from several connections at once, each connection one
/// request at a time (a client that waits for its answer), and times every round trip.
///
/// Connections take the next request from a shared counter, so a slow answer on one does not
/// hold the others back; connection `i` talks to socket `i mod sockets` (several instances).
struct EnqueueDriver: Sendable {
    struct Outcome: Sendable {
        /// Round trips of the acknowledged enqueues, milliseconds.
        var latencies: [Double]
        var failures: Int
        var firstFailure: String?
        /// From the first request sent to the last answer, seconds.
        var seconds: Double
    }

    let sockets: [String]
    let connections: Int

    func run(_ requests: [PaymentRequest]) async -> Outcome {
        let cursor = Cursor()
        let clock = ContinuousClock()
        let started = clock.now
        let parts = await withTaskGroup(of: Outcome.self) { group in
            for connection in 0..<max(1, connections) {
                let client = PaymentdClient(socketPath: sockets[connection % sockets.count], requestTimeout: .seconds(120))
                group.addTask {
                    var part = Outcome(latencies: [], failures: 0, firstFailure: nil, seconds: 0)
                    while true {
                        let index = cursor.next()
                        guard index < requests.count else { break }
                        let sent = clock.now
                        do {
                            _ = try await client.enqueue(requests[index])
                            part.latencies.append(Self.milliseconds(clock.now - sent))
                        } catch {
                            part.failures += 1
                            if part.firstFailure == nil { part.firstFailure = "\(error)" }
                        }
                    }
                    await client.close()
                    return part
                }
            }
            var all: [Outcome] = []
            for await part in group { all.append(part) }
            return all
        }
        return Outcome(latencies: parts.flatMap(\.latencies), failures: parts.reduce(0) { $0 + $1.failures },
                       firstFailure: parts.compactMap(\.firstFailure).first, seconds: Self.seconds(clock.now - started))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        seconds(duration) * 1000
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Hands out request indexes to the connections, each once.
    final class Cursor: Sendable {
        private let position = Mutex(0)

        func next() -> Int {
            position.withLock { value in
                defer { value += 1 }
                return value
            }
        }
    }
}
