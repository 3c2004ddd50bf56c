import Logging
import Synchronization

/// The one log level every handler of a process reads, changeable while the process runs.
///
/// swift-log copies a handler's level into every `Logger`, so a level set at bootstrap could
/// only change with a restart. Handlers that hold this object instead read it on every record:
/// one `set` (from an admin command, a reload) takes effect for all of them at once.
public final class LiveLogLevel: Sendable {
    // Relaxed is enough: the level is a value of its own and publishes no other memory.
    private let rank: Atomic<UInt8>

    public init(_ level: Logger.Level) {
        rank = Atomic(Self.rank(of: level))
    }

    public func get() -> Logger.Level {
        Self.level(ofRank: rank.load(ordering: .relaxed))
    }

    public func set(_ level: Logger.Level) {
        rank.store(Self.rank(of: level), ordering: .relaxed)
    }

    private static func rank(of level: Logger.Level) -> UInt8 {
        switch level {
        case .trace: 0
        case .debug: 1
        case .info: 2
        case .notice: 3
        case .warning: 4
        case .error: 5
        case .critical: 6
        }
    }

    private static func level(ofRank rank: UInt8) -> Logger.Level {
        switch rank {
        case 0: .trace
        case 1: .debug
        case 2: .info
        case 3: .notice
        case 4: .warning
        case 5: .error
        default: .critical
        }
    }
}
