import Synchronization

/// The current `EngineSettings`, replaced as a whole when the table changes; readers take a
/// copy at the start of an iteration.
final class LiveSettings: Sendable {
    private let value: Mutex<EngineSettings>

    init(_ settings: EngineSettings) {
        value = Mutex(settings)
    }

    var current: EngineSettings { value.withLock { $0 } }

    func replace(_ settings: EngineSettings) {
        value.withLock { $0 = settings }
    }
}
