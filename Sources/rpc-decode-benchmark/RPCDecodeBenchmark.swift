@testable import ChainClient
import Foundation

/// `rpc-decode-benchmark`: how long the chain client takes to turn one JSON-RPC batch answer
/// of 500 receipts (two logs each, about 1.2 MB, the confirm loop's worst tick) into typed
/// `TransactionReceipt`s, split into the JSON parse and the typed read. Prints medians; it
/// asserts nothing (timings never decide a test).
///
/// It reaches the decoder's internal entry points, so build it with testing enabled:
/// `swift build -c release -Xswiftc -enable-testing --product rpc-decode-benchmark`, then run
/// `.build/release/rpc-decode-benchmark`.
@main
enum RPCDecodeBenchmark {
    static func main() throws {
        let receipts = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 500
        let body = ReceiptBatchBody.make(receipts: receipts, logsPerReceipt: 2)
        let method = "eth_getTransactionReceipt (batch of \(receipts))"
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("body: \(body.count) bytes, \(receipts) receipts; load average before: \(load)")

        let parse = try median(runs: 30) { _ = try JSONRPCResponseDecoder.parse(body, method: method) }
        let decode = try median(runs: 30) {
            let outcomes = try JSONRPCResponseDecoder.batch(body, method: method, firstID: 1, count: receipts)
            for outcome in outcomes { _ = try TransactionReceipt(rpc: try outcome.get(), method: method) }
        }
        print(String(format: "parse only:            %.2f ms (median of 30)", parse))
        print(String(format: "parse + typed receipts: %.2f ms (median of 30)", decode))
    }

    private static func median(runs: Int, _ work: () throws -> Void) throws -> Double {
        try work()
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try work()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        }
        return samples.sorted()[runs / 2]
    }
}
