import ArgumentParser
import ChainClient
import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import X402Buyer

/// `paymentd-demo`: the smallest program that shows the pieces composed. It signs buyer
/// authorizations the way an x402 client does, enqueues them over paymentd's socket with the
/// shared client, follows them to `completed`, and prints the daemon's stats and the on-chain
/// balances that prove it.
@main
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paymentd-demo",
        abstract: "Enqueue buyer-signed payments into a running paymentd and follow them to completion.",
        discussion: "Expects a devchain deployment (the JSON line `python -m devchain serve --deploy-json FILE` writes).")

    @Option(help: "paymentd's Unix socket.")
    var socket: String

    @Option(name: .customLong("deploy-json"), help: "The devchain's deployment JSON file.")
    var deployJSON: String

    @Option(help: "How many payments to enqueue.")
    var count = 300

    @Option(help: "Enqueue requests in flight at once.")
    var concurrency = 16

    @Option(help: "Seconds to wait for every payment and mint to complete.")
    var timeout = 300

    func run() async throws {
        let deployment = try StrictJSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: deployJSON))))
        let chainID = UInt64(deployment["chain_id"]?.intValue ?? 0)
        let usdc = try Address(hex: deployment["usdc"]?.stringValue ?? "")
        let mintToken = try Address(hex: deployment["mint_token"]?.stringValue ?? "")
        let receiver = try Address(hex: deployment["receiver"]?.stringValue ?? "")
        let domain = EIP712Domain(name: deployment["usdc_name"]?.stringValue ?? "", version: deployment["usdc_version"]?.stringValue ?? "",
                                  chainId: chainID, verifyingContract: usdc)
        let buyers = try (deployment["buyers"]?.arrayValue ?? []).map { try PrivateKey(hex: $0["private_key"]?.stringValue ?? "") }
        guard !buyers.isEmpty else { throw ValidationError("the deployment lists no buyers") }
        let rpc = EthereumRPC(url: deployment["rpc_url"]?.stringValue ?? "")
        let client = PaymentdClient(socketPath: socket)
        defer { Task { await client.close() } }
        try await client.ping()

        let receiverBefore = try await balance(rpc, token: usdc, receiver)
        var mintedBefore: [Address: UInt256] = [:]
        for buyer in buyers { mintedBefore[buyer.address] = try await balance(rpc, token: mintToken, buyer.address) }

        // The amount comes from the daemon's price list, as an x402 front end's 402 challenge would.
        guard let price = try await client.prices().first(where: { $0.type == .mint && $0.token?.lowercased() == mintToken.checksummed.lowercased() }),
              let unitPrice = UInt256(decimal: price.unitPrice) else {
            throw ValidationError("paymentd has no price for the mint token \(mintToken.checksummed): configure prices")
        }
        print("enqueueing \(count) payments from \(buyers.count) buyers over \(socket) at \(unitPrice) per item")
        let started = Date()
        let signer = AuthorizationSigner(domain: domain)
        let requests = (0..<count).map { index in
            Self.request(signer: signer, buyer: buyers[index % buyers.count], index: index, unitPrice: unitPrice, receiver: receiver,
                         mintToken: mintToken)
        }
        var ids: [String] = []
        var paid = UInt256.zero
        try await withThrowingTaskGroup(of: (Int, EnqueueResult).self) { group in
            var next = 0
            func add() {
                let index = next
                let request = requests[index]
                group.addTask { (index, try await client.enqueue(request)) }
                next += 1
            }
            for _ in 0..<min(concurrency, requests.count) { add() }
            while let (index, result) = try await group.next() {
                ids.append(result.paymentID)
                paid = paid + UInt256(decimal: requests[index].amount)!
                if ids.count % max(1, count / 10) == 0 || ids.count == count {
                    print("  enqueued \(ids.count)/\(count)")
                }
                if next < requests.count { add() }
            }
        }
        let enqueueSeconds = Date().timeIntervalSince(started)
        print(String(format: "enqueued %d payments in %.2f s", count, enqueueSeconds))

        var lastReported = -1
        let deadline = Date().addingTimeInterval(Double(timeout))
        while true {
            let stats = try await client.stats()
            let completed = stats.counts[.completed] ?? 0
            let mintsDone = stats.mintCounts[.completed] ?? 0
            if completed != lastReported {
                print("  completed \(completed)/\(count) payments, \(mintsDone) mints done, "
                      + "sent \(stats.counts[.sent] ?? 0), pending \(stats.counts[.pending] ?? 0)")
                lastReported = completed
            }
            let failed = (stats.counts[.failed] ?? 0) + (stats.counts[.confirmationFailed] ?? 0)
            if completed + failed >= count && (stats.mintCounts[.pending] ?? 0) == 0 && (stats.mintCounts[.processing] ?? 0) == 0 { break }
            guard Date() < deadline else { throw ValidationError("timed out after \(timeout) s") }
            try await Task.sleep(for: .milliseconds(500))
        }
        let totalSeconds = Date().timeIntervalSince(started)
        let stats = try await client.stats()
        print("\nstats:")
        for status in PaymentStatus.allCases { print("  \(status.rawValue): \(stats.counts[status] ?? 0)") }
        print("  mints completed: \(stats.mintCounts[.completed] ?? 0)")
        for signer in stats.signers {
            print("  signer \(signer.address) (\(signer.role.rawValue)): next nonce \(signer.nextNonce), mined \(signer.minedNonce.map(String.init) ?? "?")")
        }
        print(String(format: "  %d payments settled and minted in %.1f s (%.0f payments/minute)", count, totalSeconds,
                     Double(count) / totalSeconds * 60))

        print("\non-chain:")
        let receiverAfter = try await balance(rpc, token: usdc, receiver)
        print("  receiver \(receiver.checksummed) USDC +\(receiverAfter - receiverBefore) (enqueued \(paid))")
        for buyer in buyers {
            let after = try await balance(rpc, token: mintToken, buyer.address)
            print("  buyer \(buyer.address.checksummed) minted +\(after - mintedBefore[buyer.address]!)")
        }
        guard receiverAfter - receiverBefore == paid else {
            throw ValidationError("the receiver's balance does not match the payments")
        }
    }

    /// One or two items at `unitPrice` each: the amount the daemon's price list asks for.
    static func request(signer: AuthorizationSigner, buyer: PrivateKey, index: Int, unitPrice: UInt256, receiver: Address,
                        mintToken: Address) -> PaymentRequest {
        let quantity = Int64(index % 2 + 1)
        let value = unitPrice * UInt256(UInt64(quantity))
        let authorization = signer.authorization(from: buyer, to: receiver, value: value)
        return PaymentRequest(type: .mint, token: mintToken.checksummed, paymentToken: signer.domain.verifyingContract.checksummed,
                              amount: value.description, authorization: authorization,
                              metadata: ["quantity": .int(quantity), "recipient": .string(buyer.address.checksummed)],
                              idempotencyKey: "demo-\(authorization.nonce.suffix(16))")
    }

    private func balance(_ rpc: EthereumRPC, token: Address, _ account: Address) async throws -> UInt256 {
        guard case .returned(let data) = try await rpc.call(to: token, data: USDCCalldata.balanceOf(account)) else {
            throw ValidationError("balanceOf reverted on \(token.checksummed)")
        }
        return try ABI.decodeUInt256(data)
    }
}
