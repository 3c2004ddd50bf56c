import Logging
import PaymentStore
import Synchronization

/// Reports rows a loop's query found but could not read (a legacy row with an address that is
/// no address, say): each once, as an error an operator must act on, while the loops step
/// around them. Repeating it every tick would bury everything else in the log.
final class UnreadableRowReporter: Sendable {
    private let reported = Mutex<Set<String>>([])
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func report(_ rows: [UnreadableRow], by loop: String) {
        guard !rows.isEmpty else { return }
        let fresh = reported.withLock { seen in rows.filter { seen.insert($0.id).inserted } }
        for row in fresh {
            logger.error("a row cannot be read; it is left as it is for an operator", metadata: [
                "loop": "\(loop)", "row_id": "\(row.id)", "error": "\(row.error.description)"])
        }
    }
}
