import ArgumentParser
import ChaosDrill
import Foundation
import JSON

/// `paymentd-chaos`: the reliability drill. Thin: parses arguments, runs `ChaosDrill`, prints
/// the report, exits 0 only when the ledger and the chain agree.
@main
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paymentd-chaos",
        abstract: "Run payments through a real paymentd while killing it, failing its RPC, reorging the chain, relaying and cancelling its payments; then audit the ledger against the chain.",
        discussion: """
            Starts its own throwaway PostgreSQL, devchain and paymentd (build them first: swift build). \
            Every fault is drawn from --seed, so a failing drill can be replayed exactly. The audit checks the ledger and \
            the chain (read by plain JSON-RPC) against the drill's own requests: each request acknowledged and stored \
            exactly once with the payer, nonce, amount, quantity and recipient it was signed with; each completed and \
            settled by a pair on chain that pays no other payment; each item minted once, to its recipient, or the \
            payment refunded on chain; nothing minted that no completed payment bought or that a payment not settled \
            on the canonical chain bought; no payment that did not complete paid; receiver and buyers' balances moved \
            by exactly what was paid and bought. Requests still unanswered at half the timeout are reported, not \
            waited for.

            Faults besides kills, RPC failures and reorgs: --respends reorgs whose new fork holds a payer spending an \
            orphaned payment's nonce on a transfer to himself (that payment may end "settlement lost", unpaid and never \
            minted: the one exception the audit makes); --front-runs payloads a third party relays to the receiver \
            before the drill enqueues them (each must still be served, once); --relays bursts of third-party relays of \
            pending payments; --cancels bursts of operator cancels of payments in flight (each must be refused or find \
            the payment paid); --revert-windows spells in which our transfers revert for lack of gas, followed by \
            relays of reverted payments.

            Examples:
              paymentd-chaos --payments 150 --kills 2 --reorgs 2 --rpc-faults 2     # the size CI runs
              paymentd-chaos --payments 1000 --kills 5 --reorgs 4 --respends 2 --rpc-faults 4 --relays 3 --cancels 3   # full size
            Exit status: 0 the audit passed; 1 it found violations (listed); 2 usage; 3 the drill could not run.
            """)

    @Option(help: "How many payments to run.") var payments = 2000
    @Option(help: "Seed of the fault schedule (same seed, same drill).") var seed: UInt64 = 1
    @Option(help: "How many times to SIGKILL and restart the daemon.") var kills = 4
    @Option(help: "How many reorgs (those without a re-spend alternate with and without reinjection; a re-spend fork never reinjects).") var reorgs = 4
    @Option(name: .customLong("rpc-faults"), help: "How many bursts of failed RPC requests (all four failure modes).") var rpcFaults = 6
    @Option(name: .customLong("max-reorg-depth"), help: "Deepest reorg, in blocks.") var maxReorgDepth = 8
    @Option(help: "How many of the reorgs have a payer re-spend an orphaned payment's nonce in the new fork.") var respends = 1
    @Option(name: .customLong("front-runs"), help: "Payments a third party relays before the drill enqueues them.") var frontRuns = 3
    @Option(help: "Bursts of third-party relays of pending payments.") var relays = 2
    @Option(help: "Bursts of operator cancels of payments in flight.") var cancels = 2
    @Option(name: .customLong("revert-windows"), help: "Spells of reverting transfers (gas starved), each followed by relays.") var revertWindows = 1
    @Option(name: .customLong("block-ms"), help: "Devchain block interval in milliseconds.") var blockMilliseconds = 1000
    @Option(help: "Relayer hot wallets (signer lanes).") var signers = 4
    @Option(help: "Seconds the drill may take before it is declared stuck.") var timeout: Double = 1800
    @Option(name: .customLong("keep-logs"), help: "Copy the daemons' and the devchain's logs into this directory.") var keepLogs: String?
    @Flag(help: "Print the report as one JSON object.") var json = false

    func validate() throws {
        guard payments > 0 else { throw ValidationError("--payments must be at least 1") }
        guard [kills, reorgs, rpcFaults, respends, frontRuns, relays, cancels, revertWindows].allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("fault counts cannot be negative")
        }
        guard respends <= reorgs else { throw ValidationError("--respends (\(respends)) cannot exceed --reorgs (\(reorgs)): a re-spend rides on a reorg") }
        guard frontRuns <= payments else { throw ValidationError("--front-runs cannot exceed --payments") }
        guard maxReorgDepth >= 1 else { throw ValidationError("--max-reorg-depth must be at least 1") }
        guard (0...60_000).contains(blockMilliseconds) else { throw ValidationError("--block-ms must be from 0 to 60000") }
        guard (1...16).contains(signers) else { throw ValidationError("--signers must be from 1 to 16") }
    }

    func run() async throws {
        let options = ChaosOptions(payments: payments, seed: seed, kills: kills, reorgs: reorgs, rpcFaults: rpcFaults, maxReorgDepth: maxReorgDepth,
                                   respends: respends, frontRuns: frontRuns, relays: relays, cancels: cancels, revertWindows: revertWindows,
                                   blockMilliseconds: blockMilliseconds, signers: signers, timeoutSeconds: timeout, keepLogsDirectory: keepLogs)
        let drill = ChaosDrill(options: options) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let report: ChaosReport
        do {
            report = try await drill.run()
        } catch {
            FileHandle.standardError.write(Data("paymentd-chaos: the drill could not run: \(error)\n".utf8))
            throw ExitCode(3)
        }
        print(json ? String(decoding: try JSONText.encode(report.json), as: UTF8.self) : report.text)
        if !report.passed { throw ExitCode(1) }
    }
}
