#if canImport(Glibc)
import Glibc
#endif

/// `ExitCleanup`'s signal handlers: when the test process crashes or is told to stop, every
/// registered child is killed first, then the signal does what it would have done anyway.
///
/// The handler only calls `kill(2)`, `sigaction(2)` and `raise(3)` (all async-signal-safe) and
/// reads a lock-free table. A signal the test run ignores (say SIGHUP under `nohup`) stays
/// ignored.
enum CrashSignals {
    static let handled: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT, SIGTERM, SIGINT, SIGHUP, SIGQUIT]

    /// Installs the handlers once; called by `ExitCleanup`'s initializer.
    static func install() {
        for signalNumber in handled {
            var current = sigaction()
            guard sigaction(signalNumber, nil, &current) == 0, !isIgnored(current) else { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = killChildrenAndResignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(SA_ONSTACK)
            _ = sigaction(signalNumber, &action, PreviousActions.shared.slot(signalNumber))
        }
    }

    private static func isIgnored(_ action: sigaction) -> Bool {
        unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}

/// The handler itself: a plain C-callable function, as `sigaction` needs.
private func killChildrenAndResignal(_ signalNumber: Int32) {
    KillTargets.shared.fireAll()
    _ = sigaction(signalNumber, PreviousActions.shared.slot(signalNumber), nil)
    switch signalNumber {
    case SIGSEGV, SIGBUS, SIGILL, SIGFPE:
        // Returning runs the faulting instruction again, now under the previous handler,
        // which then sees the real fault (and the Swift runtime prints its backtrace).
        return
    default:
        _ = raise(signalNumber)
    }
}

/// The dispositions the handlers replaced, one slot per signal number, written by
/// `sigaction(2)` itself while installing and only read afterwards.
private final class PreviousActions: @unchecked Sendable {
    // @unchecked Sendable: `actions` is allocated once and never freed; each slot is written
    // by the kernel during `install` (before its handler can run) and read-only afterwards.
    static let shared = PreviousActions()
    private let actions: UnsafeMutablePointer<sigaction>
    private let count = 65

    private init() {
        actions = .allocate(capacity: count)
        actions.initialize(repeating: sigaction(), count: count)
    }

    func slot(_ signalNumber: Int32) -> UnsafeMutablePointer<sigaction> {
        actions + Int(signalNumber)
    }
}
