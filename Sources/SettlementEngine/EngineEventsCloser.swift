import ServiceLifecycle

/// Ends every `watch` stream once the engine's loops have stopped: registered before them in
/// the daemon's `ServiceGroup`, it is shut down after them (services stop in reverse order), so
/// no event of the last iterations is lost to a watcher.
struct EngineEventsCloser: Service, CustomStringConvertible {
    let events: EventHub

    var description: String { "event streams" }

    func run() async {
        try? await gracefulShutdown()
        events.finishAll()
    }
}
