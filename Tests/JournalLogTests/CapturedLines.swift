import JournalLog
import Logging
import Synchronization

/// The lines a handler wrote, in order, collected from whatever thread wrote them.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// A real `Logger` over a `JournalLogHandler` that writes here, so that swift-log's own
    /// level check runs before the handler sees a record.
    func logger(
        label: String = "paymentd",
        level: LiveLogLevel = LiveLogLevel(.trace),
        format: LogLineFormat,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> Logger {
        Logger(label: label) { label in
            JournalLogHandler(
                label: label, level: level, format: format, metadataProvider: metadataProvider,
                write: { self.append($0) }
            )
        }
    }
}
