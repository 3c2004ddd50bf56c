import Logging
import Synchronization

/// How many blocks one `eth_getLogs` may span: the `log_range_blocks` setting, lowered to what
/// the provider accepts once it refuses a range as too large.
///
/// Why it exists: hosted providers cap `eth_getLogs` ranges (2,000, 10,000, or by result
/// count), each with its own cap and sentence. The front-run search must not fail on such a
/// provider (a paid buyer would be told to pay again), so a refused span is halved and the same
/// blocks asked again; what was learned holds for the whole process (until restart), so every
/// later search starts at a span the provider accepts.
final class LogRange: Sendable {
    private let learned = Mutex<UInt64?>(nil)
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The span to ask for: the setting, or less once the provider refused more.
    func blocks(configured: UInt64) -> UInt64 {
        max(1, min(configured, learned.withLock { $0 } ?? .max))
    }

    /// The provider refused `span` blocks as too many: the span to try instead (half of it), or
    /// nil when a single block was refused and nothing smaller exists.
    func refused(span: UInt64, error: String) -> UInt64? {
        guard span > 1 else { return nil }
        let next = span / 2
        let lowered = learned.withLock { current in
            guard (current ?? .max) > next else { return false }
            current = next
            return true
        }
        if lowered {
            logger.warning("the RPC provider refused an eth_getLogs range as too large; asking for fewer blocks at a time",
                           metadata: ["refused_blocks": "\(span)", "now_blocks": "\(next)", "error": "\(error)",
                                      "hint": "set log_range_blocks to the provider's cap to skip the refusals"])
        }
        return next
    }
}
