import ArgumentParser
import Ethereum
import Foundation
import X402Buyer

/// `x402-buy`: a buyer of x402 resources for the demo and for people. It fetches the 402, signs
/// an EIP-3009 authorization for it (v1 or v2) with a key from a file, pays, and prints what came
/// back; with `--count`, it plays many buyers at once and prints progress and a summary.
@main
struct BuyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "x402-buy",
        abstract: "Pay an x402 resource: 402 -> sign (EIP-3009) -> pay -> follow to completion.",
        discussion: """
            Keys are read from --key-file (one 0x-hex private key per line; buyers take turns), never from flags. \
            The chain id comes from the 402 (eip155:<id>) or, for a version 1 network name the tool does not know \
            (base, base-sepolia are known), from --network NAME=CHAINID.

            Examples:
              x402-buy http://127.0.0.1:8402/api/mint/0xMint... --key-file buyer.key --chain-id 31337
              x402-buy URL --key-file buyers.keys --chain-id 31337 --count 300 --concurrency 16

            Exit status: 0 when every purchase was answered 200 or 202 (and, when followed, completed), 1 otherwise.
            """)

    @Argument(help: "The resource URL (e.g. http://127.0.0.1:8402/api/mint/<token>).")
    var url: String

    @Option(name: .customLong("key-file"), help: "File of buyer private keys, one 0x-hex key per line.")
    var keyFile: String

    @Option(name: .customLong("chain-id"), help: "The chain the buyer pays on.")
    var chainID: UInt64

    @Option(name: .long, help: "A version 1 network name and its chain id, NAME=CHAINID (repeatable).")
    var network: [String] = []

    @Option(name: .customLong("x402-version"), help: "Pay with version 1 (X-PAYMENT) or 2 (PAYMENT-SIGNATURE); default: what the 402 prefers.")
    var x402Version: Int?

    @Option(name: .long, help: "Items per purchase (the body's quantity).")
    var quantity = 1

    @Option(name: .long, help: "HTTP method.")
    var method = "POST"

    @Option(name: .long, help: "Purchases in all (each a new authorization).")
    var count = 1

    @Option(name: .long, help: "Purchases in flight at once.")
    var concurrency = 1

    @Flag(name: .customLong("no-follow"), help: "Do not follow a 202 to completion.")
    var noFollow = false

    @Option(name: .long, help: "Seconds to follow one payment to completion.")
    var timeout = 180.0

    func validate() throws {
        guard count >= 1, concurrency >= 1 else { throw ValidationError("--count and --concurrency must be at least 1") }
        guard x402Version == nil || x402Version == 1 || x402Version == 2 else { throw ValidationError("--x402-version is 1 or 2") }
    }

    func run() async throws {
        guard let target = URL(string: url) else { throw ValidationError("not a URL: \(url)") }
        let buyers = try readKeys()
        var names: [String: UInt64] = [:]
        for entry in network {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let id = UInt64(parts[1]) else { throw ValidationError("--network is NAME=CHAINID, not \(entry)") }
            names[parts[0]] = id
        }
        let flow = PurchaseFlow(http: HTTPExchange(connections: concurrency), url: target, method: method,
                                body: Array(#"{"quantity":\#(quantity)}"#.utf8), builder: PaymentHeaderBuilder(chainID: chainID, v1Names: names),
                                version: x402Version, follow: !noFollow, followTimeout: timeout)
        if count == 1 {
            let record = await flow.run(buyer: buyers[0])
            print(PurchaseReport.single(record))
            if !PurchaseReport.succeeded(record, followed: !noFollow) { throw ExitCode(1) }
            return
        }
        let started = Date()
        let records = await PurchaseRun(flow: flow, buyers: buyers, count: count, concurrency: concurrency).run { done in
            if done % max(1, count / 10) == 0 || done == count { print("  \(done)/\(count) purchases answered") }
        }
        print(PurchaseReport.summary(records, seconds: Date().timeIntervalSince(started)))
        if !records.allSatisfy({ PurchaseReport.succeeded($0, followed: !noFollow) }) { throw ExitCode(1) }
    }

    private func readKeys() throws -> [PrivateKey] {
        guard let text = try? String(contentsOfFile: keyFile, encoding: .utf8) else { throw ValidationError("cannot read \(keyFile)") }
        let keys = try text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { line in
                do { return try PrivateKey(hex: line) } catch { throw ValidationError("\(keyFile) holds a line that is not a private key") }
            }
        guard !keys.isEmpty else { throw ValidationError("\(keyFile) holds no key") }
        return keys
    }
}
