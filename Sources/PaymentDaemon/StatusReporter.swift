import Logging
import ServiceLifecycle
import PaymentModel
import SettlementEngine
import Systemd

/// Keeps `systemctl status paymentd` telling the truth: a `STATUS=` line with live counts every
/// few seconds.
struct StatusReporter: Service, CustomStringConvertible {
    let engine: SettlementEngine
    let period: Duration

    var description: String { "status reporter" }

    func run() async {
        await cancelWhenGracefulShutdown { await self.report() }
    }

    private func report() async {
        while !Task.isCancelled {
            if let line = try? await Self.line(engine) { _ = try? SystemdNotifier.status(line) }
            try? await Task.sleep(for: period)
        }
    }

    static func line(_ engine: SettlementEngine) async throws -> String {
        let stats = try await engine.stats()
        let counts = ["pending", "processing", "sent", "completed", "failed", "confirmation_failed"].map { key in
            "\(key) \(stats.counts[PaymentStatus(rawValue: key)!] ?? 0)"
        }
        let paused = stats.signers.filter { $0.pausedReason != nil }.count
        return counts.joined(separator: ", ") + (paused > 0 ? "; \(paused) signer(s) paused" : "")
    }
}
