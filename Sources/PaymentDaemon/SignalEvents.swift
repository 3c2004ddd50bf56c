import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM/SIGINT (stop) and SIGHUP (reload settings) as an async stream, so shutdown is a
/// value the daemon awaits rather than a handler that calls `exit()` mid-work.
final class SignalEvents: Sendable {
    enum Event: Sendable {
        case stop
        case reload
    }

    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    // The sources must live as long as the daemon; DispatchSourceSignal is thread-safe.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    init() {
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let queue = DispatchQueue(label: "paymentd.signals")
        for (signalNumber, event) in [(SIGTERM, Event.stop), (SIGINT, .stop), (SIGHUP, .reload)] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            let continuation = self.continuation
            source.setEventHandler { continuation.yield(event) }
            source.resume()
            sources.append(source)
        }
    }

    /// Lets the daemon stop itself (the `stop` command) through the same path as SIGTERM.
    func requestStop() {
        continuation.yield(.stop)
    }

    func finish() {
        for source in sources { source.cancel() }
        continuation.finish()
    }
}
