import LineProtocolClient
import Logging
import PaymentModel
import ServiceLifecycle

/// One `watch` connection to paymentd for the whole server, turning the daemon's state-change
/// events into `PaymentSignals`, so requests waiting for settlement wake when their payment
/// changes instead of each polling or holding a socket of its own.
///
/// It reconnects (after a second) whenever the stream ends, e.g. when paymentd restarts, and
/// wakes every waiter then, since events may have been missed. It stops on graceful shutdown.
public struct PaymentWatchService: Service {
    private let client: PaymentdClient
    private let signals: PaymentSignals
    private let logger: Logger

    public init(client: PaymentdClient, signals: PaymentSignals, logger: Logger) {
        self.client = client
        self.signals = signals
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let events = try await client.watch()
                    if failures > 0 { logger.info("watching paymentd's payments again") }
                    failures = 0
                    await signals.notifyAll()
                    for try await event in events {
                        await signals.notify(event.paymentID)
                    }
                } catch {
                    failures += 1
                    if failures == 1 && !Task.isCancelled {
                        logger.warning("cannot watch paymentd's payments; waiting requests poll until it is back",
                                       metadata: ["error": "\(error)"])
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
