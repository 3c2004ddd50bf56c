import Synchronization

/// A value the loops and requests read while a reload may replace it as a whole (the
/// settings, the price list); readers take a copy at the start of their work.
final class LiveValue<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ initial: Value) {
        value = Mutex(initial)
    }

    var current: Value { value.withLock { $0 } }

    func replace(_ newValue: Value) {
        value.withLock { $0 = newValue }
    }
}

/// The current `EngineSettings`, replaced as a whole when the table changes.
typealias LiveSettings = LiveValue<EngineSettings>
