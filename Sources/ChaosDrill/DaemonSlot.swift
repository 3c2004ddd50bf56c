import Synchronization
import TestHarness

/// The daemon currently running, replaced after each kill.
final class DaemonSlot: Sendable {
    private struct State {
        var current: PaymentdProcess?
        var logs: [String] = []
    }

    private let state = Mutex(State())
    let workspace: PaymentdWorkspace

    init(workspace: PaymentdWorkspace) {
        self.workspace = workspace
    }

    var logPaths: [String] { state.withLock { $0.logs } }

    /// Starts the daemon and waits for READY=1. A daemon that exits during start-up (it cannot
    /// reach the chain while an RPC fault lasts) is started again a second later, as systemd's
    /// `Restart=on-failure` does.
    func start() async throws {
        var attempts = 0
        while true {
            attempts += 1
            let daemon = try PaymentdProcess.start(workspace)
            state.withLock {
                $0.current = daemon
                $0.logs.append(daemon.logPath)
            }
            do {
                try await daemon.waitUntilReady(timeout: 120)
                return
            } catch {
                guard !daemon.isRunning, attempts < 30 else { throw error }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    func killAndRestart() async throws {
        _ = state.withLock { $0.current }?.kill9()
        try await start()
    }

    func stop() async {
        guard let daemon = state.withLock({ $0.current }) else { return }
        _ = await daemon.terminate(graceSeconds: 60)
    }
}
