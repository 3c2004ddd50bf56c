import ArgumentParser
import Foundation
import JSON
import PaymentBench

/// `paymentd-bench`: the benchmark. Thin: parses arguments, runs `PaymentBench`, prints the
/// table (or the JSON), exits 0 when every payment of every run completed and minted.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paymentd-bench",
        abstract: "Measure paymentd end to end against the devchain's own ceiling: throughput, latency, cost, stats and scale-out.",
        discussion: """
            Starts its own throwaway PostgreSQL 15 (with pg_stat_statements), a devchain per run and the paymentd next to \
            this program, and drives them over the Unix socket with buyer-signed EIP-3009 authorizations. Build both in \
            release mode first: swift build -c release --product paymentd-bench && swift build -c release --product paymentd \
            (scripts/bench.sh does that and keeps the JSON in bench/). Progress goes to standard error; the table (or \
            --json) to standard output. Timings depend on everything else the machine runs: the report records the load \
            average and the machine.

            Scenarios (--scenarios, comma-separated; all by default, in this order; the full set takes about 25-35 \
            minutes on 2 cores, --quick about 2):

            \(BenchScenario.allCases.map(\.help).joined(separator: "\n\n"))

            Every run through paymentd also reports its cost: daemon CPU per payment (utime+stime from /proc), peak RSS \
            (VmHWM), PostgreSQL statements per payment (pg_stat_statements, the daemons' role only), and RPC requests \
            per payment as the devchain counted them (devchain_requestCounts), with the CPU the devchain and PostgreSQL \
            spent meanwhile.

            Examples:
              paymentd-bench --quick                                   # every scenario at tiny sizes (CI's smoke run)
              paymentd-bench                                           # the full benchmark, the README's table
              paymentd-bench --scenarios ceiling,throughput --throughput-sizes 1000 --json
            Exit status: 0 every payment completed and minted; 1 some did not, or a scenario failed; 2 usage.
            """)

    @Flag(help: "Tiny sizes for every scenario (seconds each): a correctness smoke run, not a measurement.") var quick = false
    @Option(help: "Scenarios to run, comma-separated: \(BenchScenario.allCases.map(\.rawValue).joined(separator: ",")).")
    var scenarios: String?
    @Option(name: .customLong("ceiling-txs"), help: "Transactions the ceiling pushes straight to the node (default 3000).")
    var ceilingTransactions: Int?
    @Option(name: .customLong("throughput-sizes"), help: "Payments per throughput run, comma-separated (default 50,1000,10000).")
    var throughputSizes: String?
    @Option(name: .customLong("seed-payments"), help: "Payments of each seed run (default 500).") var seedPayments: Int?
    @Option(name: .customLong("seed-batch"), help: "The replaced system's payment_batch_size (its code's default: 10).") var seedBatch: Int?
    @Option(name: .customLong("peer-threads"), help: "Threads of each x402 SDK facilitator run, comma-separated (default 1,32).")
    var peerThreads: String?
    @Option(name: .customLong("peer-payments"), help: "Payments of each x402 SDK facilitator run, paired with --peer-threads (default 60,600).")
    var peerPayments: String?
    @Option(name: .customLong("enqueue-single"), help: "Enqueues from one client, one at a time (default 1000).") var enqueueSingle: Int?
    @Option(name: .customLong("enqueue-concurrent"), help: "Enqueues from the concurrent clients (default 5000).") var enqueueConcurrent: Int?
    @Option(name: .customLong("clients"), help: "Concurrent clients (connections) of the enqueue scenario (default 64).") var clients: Int?
    @Option(name: .customLong("connections"), help: "Socket connections the throughput runs enqueue from (default 16).") var connections: Int?
    @Option(help: "Bursts of the latency scenario (default 4).") var bursts: Int?
    @Option(name: .customLong("burst-size"), help: "Payments per burst (default 50).") var burstSize: Int?
    @Option(name: .customLong("stats-rows"), help: "History sizes for the stats scenario, comma-separated (default 1000,100000,1000000).")
    var statsRows: String?
    @Option(help: "Signer lanes of the lanes scenario, comma-separated (default 1,2,4,8).") var lanes: String?
    @Option(help: "Instance counts of the instances scenario, comma-separated (default 1,3).") var instances: String?
    @Option(name: .customLong("in-flight"), help: "max_in_flight_per_signer values, comma-separated (default 1,4,16,64).") var inFlight: String?
    @Option(name: .customLong("scale-payments"), help: "Payments per lanes, instances and in-flight run (default 600).") var scalePayments: Int?
    @Option(help: "Signer lanes of every run that does not vary them (default 4).") var signers: Int?
    @Option(name: .customLong("block-ms"), help: "Devchain block interval in milliseconds (default 1000).") var blockMilliseconds: Int?
    @Option(name: .customLong("json-file"), help: "Also write the JSON report to this file.") var jsonFile: String?
    @Flag(help: "Print the report as one JSON object instead of the table.") var json = false

    func validate() throws {
        _ = try makeOptions()
    }

    func makeOptions() throws -> BenchOptions {
        var options = quick ? BenchOptions.quick : BenchOptions()
        if let scenarios {
            options.scenarios = try scenarios.split(separator: ",").map { name in
                guard let scenario = BenchScenario(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("unknown scenario \(name); one of \(BenchScenario.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return scenario
            }
        }
        func list(_ text: String?, _ name: String, _ range: ClosedRange<Int>) throws -> [Int]? {
            guard let text else { return nil }
            let values = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy(range.contains) else {
                throw ValidationError("--\(name) takes comma-separated integers from \(range.lowerBound) to \(range.upperBound)")
            }
            return values
        }
        func single(_ value: Int?, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value else { return nil }
            guard range.contains(value) else { throw ValidationError("--\(name) must be from \(range.lowerBound) to \(range.upperBound)") }
            return value
        }
        options.ceilingTransactions = try single(ceilingTransactions, "ceiling-txs", 1...100_000) ?? options.ceilingTransactions
        options.throughputSizes = try list(throughputSizes, "throughput-sizes", 1...100_000) ?? options.throughputSizes
        options.seedPayments = try single(seedPayments, "seed-payments", 1...100_000) ?? options.seedPayments
        options.seedBatchSize = try single(seedBatch, "seed-batch", 1...5000) ?? options.seedBatchSize
        options.peerThreads = try list(peerThreads, "peer-threads", 1...256) ?? options.peerThreads
        options.peerPayments = try list(peerPayments, "peer-payments", 1...100_000) ?? options.peerPayments
        guard options.peerThreads.count == options.peerPayments.count else {
            throw ValidationError("--peer-threads and --peer-payments pair up: give both the same number of values "
                                  + "(now \(options.peerThreads.count) and \(options.peerPayments.count))")
        }
        options.enqueueSingle = try single(enqueueSingle, "enqueue-single", 1...100_000) ?? options.enqueueSingle
        options.enqueueConcurrent = try single(enqueueConcurrent, "enqueue-concurrent", 1...100_000) ?? options.enqueueConcurrent
        options.concurrentClients = try single(clients, "clients", 1...512) ?? options.concurrentClients
        options.enqueueConnections = try single(connections, "connections", 1...512) ?? options.enqueueConnections
        options.bursts = try single(bursts, "bursts", 1...100) ?? options.bursts
        options.burstSize = try single(burstSize, "burst-size", 1...1000) ?? options.burstSize
        options.statsRows = try list(statsRows, "stats-rows", 1...10_000_000) ?? options.statsRows
        options.lanes = try list(lanes, "lanes", 1...16) ?? options.lanes
        options.instances = try list(instances, "instances", 1...8) ?? options.instances
        options.inFlight = try list(inFlight, "in-flight", 1...10_000) ?? options.inFlight
        options.scalePayments = try single(scalePayments, "scale-payments", 1...100_000) ?? options.scalePayments
        options.signers = try single(signers, "signers", 1...16) ?? options.signers
        options.blockMilliseconds = try single(blockMilliseconds, "block-ms", 100...60_000) ?? options.blockMilliseconds
        return options
    }

    func run() async throws {
        let options = try makeOptions()
        let command = (["paymentd-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let bench = PaymentBench(options: options, command: command) { line in
            FileHandle.standardError.write(Data(("[bench] " + line + "\n").utf8))
        }
        let report = try await bench.run()
        let text = JSONWriter.string(report.json)
        if let jsonFile { try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: jsonFile)) }
        print(json ? text : report.table)
        if !report.errors.isEmpty || !report.runs.allSatisfy({ $0.allCompleted || $0.name.hasPrefix("enqueue-") }) { throw ExitCode(1) }
    }
}
