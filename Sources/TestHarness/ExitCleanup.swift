import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one place that makes sure a test run leaves nothing behind: every child process the
/// harness starts, the PostgreSQL clusters and devchains, and the temporary directories.
///
/// At a normal exit (`atexit`) it runs the registered stop actions (newest first: a cluster's
/// `pg_ctl stop`, a node's SIGTERM), then kills every process still registered, then removes
/// the directories. When the test process crashes or is told to stop (SIGSEGV, SIGBUS, SIGILL,
/// SIGFPE, SIGTRAP, SIGABRT, SIGTERM, SIGINT, SIGHUP, SIGQUIT) a signal handler kills every
/// registered process and then lets the signal take its course (the previous handler, so the
/// Swift runtime's backtrace still prints). Only SIGKILL of the test process cannot be seen;
/// the devchain watches its parent itself for that case.
///
/// Children are started in process groups of their own (`ChildProcess`), and the group is what
/// gets killed, so a tool's own children (`sh -c "… | socat …"`) go too.
public final class ExitCleanup: Sendable {
    public static let shared = ExitCleanup()

    private struct State {
        var actions: [@Sendable () -> Void] = []
        var directories: [String] = []
    }

    private let state = Mutex(State())
    private let targets = KillTargets.shared

    private init() {
        atexit { ExitCleanup.shared.runAtExit() }
        CrashSignals.install()
    }

    /// Sends `signal` to `pid` (to its whole process group when `group`) when the test process
    /// exits or crashes, unless `forget(_:)` is called first.
    public func kill(_ pid: pid_t, signal: Int32 = SIGKILL, group: Bool = true) {
        targets.add(KillTarget(pid: pid, signal: signal, group: group))
    }

    /// The process ended (and was reaped) or was stopped otherwise: nothing to do at exit.
    public func forget(_ pid: pid_t) {
        targets.remove(pid: pid)
    }

    /// Runs `action` at a normal exit, before the registered processes are killed.
    public func atExit(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.actions.append(action) }
    }

    /// Deletes `directory` (and what it holds) at a normal exit.
    public func removeAtExit(directory: String) {
        state.withLock { $0.directories.append(directory) }
    }

    private func runAtExit() {
        let (actions, directories) = state.withLock { state in
            defer { state = State() }
            return (state.actions, state.directories)
        }
        for action in actions.reversed() { action() }
        targets.fireAll()
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    }
}
