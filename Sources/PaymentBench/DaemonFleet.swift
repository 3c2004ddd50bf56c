import Foundation
import LineProtocolClient
import TestHarness

/// The `paymentd` processes of one run: the release binary next to the benchmark, one or more
/// instances on one database, each on a socket of its own, with the run's settings applied
/// through the socket before any payment arrives.
final class DaemonFleet: Sendable {
    let daemons: [PaymentdProcess]
    let sockets: [String]

    private init(daemons: [PaymentdProcess], sockets: [String]) {
        self.daemons = daemons
        self.sockets = sockets
    }

    /// Starts `instances` daemons from `workspace`; the first applies `settings` (they live in
    /// the database, so the others start with them) before the rest start. With several
    /// instances, waits until every signer lane is leased and shared out.
    static func start(_ workspace: PaymentdWorkspace, instances: Int, signers: Int,
                      settings: [(key: String, value: String)]) async throws -> DaemonFleet {
        var daemons: [PaymentdProcess] = []
        var sockets: [String] = []
        do {
            for index in 0..<instances {
                let name = "bench-\(index)"
                let socket = workspace.directory + "/\(name).sock"
                let daemon = try PaymentdProcess.start(workspace, .init(environment: ["PAYMENTD_INSTANCE_NAME": name],
                                                                         extraArguments: ["--socket", socket]))
                daemons.append(daemon)
                sockets.append(socket)
                try await daemon.waitUntilReady(timeout: 120)
                if index == 0 {
                    let client = PaymentdClient(socketPath: socket, requestTimeout: .seconds(30))
                    for (key, value) in settings { _ = try await client.updateSetting(key: key, value: value) }
                    await client.close()
                }
            }
            let fleet = DaemonFleet(daemons: daemons, sockets: sockets)
            if instances > 1 { try await fleet.waitForLanesSharedOut(signers: signers) }
            return fleet
        } catch {
            for daemon in daemons { _ = await daemon.terminate(graceSeconds: 10) }
            throw error
        }
    }

    /// Every lane leased, by as many instances as there are lanes to go round.
    private func waitForLanesSharedOut(signers: Int) async throws {
        let client = PaymentdClient(socketPath: sockets[0], requestTimeout: .seconds(30))
        let deadline = Date().addingTimeInterval(90)
        var shared = false
        while !shared, Date() < deadline {
            do {
                let holders = try await client.stats().leases.filter { $0.key.hasPrefix("lane:") }
                shared = holders.count == signers && Set(holders.values).count == min(signers, daemons.count)
                if !shared { try await Task.sleep(for: .milliseconds(250)) }
            } catch {
                await client.close()
                throw error
            }
        }
        await client.close()
        guard shared else { throw HarnessError("the \(signers) signer lanes were not shared out among \(daemons.count) instances within 90 s") }
    }

    var processIDs: [Int32] { daemons.map(\.pid) }

    /// CPU seconds the instances have used so far.
    var cpuSeconds: Double {
        processIDs.reduce(0) { $0 + (ProcessCPU.seconds($1) ?? 0) }
    }

    /// The largest peak RSS among the instances.
    var peakResidentBytes: UInt64 {
        processIDs.compactMap(ProcessCPU.peakResidentBytes).max() ?? 0
    }

    /// SIGTERM to each (a graceful stop drains what is in flight), SIGKILL after `graceSeconds`.
    func stop(graceSeconds: Double = 30) async {
        await withTaskGroup(of: Void.self) { group in
            for daemon in daemons { group.addTask { _ = await daemon.terminate(graceSeconds: graceSeconds) } }
        }
    }

    /// The last lines of every instance's log, for an error message.
    func logTails() -> String {
        daemons.map { "--- \($0.logPath)\n\($0.logTail(bytes: 2000))" }.joined(separator: "\n")
    }
}
