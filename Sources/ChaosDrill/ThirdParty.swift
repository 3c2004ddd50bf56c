import Ethereum
import JSON
import PaymentModel
import PaymentStore
import TestHarness
import X402Buyer

/// Someone other than paymentd acting on the drill's payloads, by plain JSON-RPC to the
/// devchain: a relayer that sends buyers' authorizations itself (x402 payloads are public once
/// sent: front-runs before they reach us, relays while ours are pending or after ours
/// reverted), and a payer who spends a nonce he authorized to us on a transfer to himself in a
/// reorg's new fork. Relays are sent from the deployer's account; re-spends from the payer's
/// own (genesis funds every test account), at its nonce in the fork's parent block. Its calls
/// go through the same endpoint as the daemon's, so the drill's injected RPC failures hit them
/// too: each is tried again for a while.
struct ThirdParty: Sendable {
    let chain: Devchain

    /// `method` answered, past injected failures (tried for up to ~30 s).
    private func rpc(_ method: String, _ params: [JSONValue] = []) async throws -> JSONValue {
        var attempt = 0
        while true {
            do {
                return try chain.control(method, params)
            } catch {
                attempt += 1
                guard attempt < 150 else { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Sends `requests`' authorizations as the deployer, each its own transaction; returns their
    /// hashes (the node's pool took them; mined or not is the chain's business).
    func relay(_ requests: [PaymentRequest]) async throws -> [String] {
        let deployer = try PrivateKey(hex: chain.deployer.privateKey)
        var nonce = try await count(deployer.address, at: "pending")
        var hashes: [String] = []
        for request in requests {
            let signed = try await transaction(from: deployer, nonce: nonce, data: try calldata(request.authorization))
            _ = try await rpc("eth_sendRawTransaction", [.string(Hex.encode(signed.raw))])
            hashes.append(signed.hash.hex)
            nonce += 1
        }
        return hashes
    }

    /// Waits until every transaction of `hashes` has a receipt on the canonical chain.
    func waitMined(_ hashes: [String], seconds: Double = 60) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        for hash in hashes {
            while try await rpc("eth_getTransactionReceipt", [.string(hash)]) == .null {
                guard ContinuousClock.now < deadline else { throw HarnessError("relayed transaction \(hash) not mined within \(Int(seconds)) s") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// The payer of `request`, spending its nonce on a transfer of 1 atomic unit to himself, as
    /// a raw transaction valid as the first of a fork whose parent is block `parent`.
    func respend(_ request: PaymentRequest, buyer: PrivateKey, parent: Int64) async throws -> [UInt8] {
        let authorization = request.authorization
        let nonce = try Bytes32(hex: authorization.nonce)
        let signer = AuthorizationSigner(domain: EIP712Domain(name: chain.usdcName, version: chain.usdcVersion, chainId: chain.chainID,
                                                              verifyingContract: try Address(hex: chain.usdc)))
        let toHimself = signer.authorization(from: buyer, to: buyer.address, value: 1, validFor: 7200, nonce: nonce)
        let signed = try await transaction(from: buyer, nonce: try await count(buyer.address, at: "0x" + String(parent, radix: 16)),
                                     data: try calldata(toHimself))
        return signed.raw
    }

    private func calldata(_ authorization: AuthorizationPayload) throws -> [UInt8] {
        guard let transfer = try authorization.transferWithAuthorization(), let signature = try authorization.parsedSignature() else {
            throw HarnessError("the drill's own authorization cannot be relayed: \(authorization)")
        }
        return USDCCalldata.transferWithAuthorization(transfer, signature: signature)
    }

    /// A transaction to the payment token at `nonce`, priced well above the chain's current
    /// fees (a third party that wants in now).
    private func transaction(from key: PrivateKey, nonce: UInt64, data: [UInt8]) async throws -> SignedTransaction {
        let gasPrice = try quantity(try await rpc("eth_gasPrice"))
        let tip = UInt256(3_000_000_000)
        return EIP1559Transaction(chainId: chain.chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: gasPrice * 4 + tip,
                                  gasLimit: 200_000, to: try Address(hex: chain.usdc), value: .zero, data: data).sign(with: key)
    }

    private func count(_ account: Address, at block: String) async throws -> UInt64 {
        let answer = try quantity(try await rpc("eth_getTransactionCount", [.string(account.checksummed), .string(block)]))
        guard let count = answer.uint64Value else { throw HarnessError("eth_getTransactionCount answered \(answer)") }
        return count
    }

    private func quantity(_ answer: JSONValue) throws -> UInt256 {
        guard let text = answer.stringValue, text.hasPrefix("0x"), let value = UInt256(hexString: text) else {
            throw HarnessError("the devchain answered \(answer), not a quantity")
        }
        return value
    }
}
