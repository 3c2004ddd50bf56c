import ChainClient
import Ethereum
import PaymentModel
import XCTest

/// Another account sending transactions with buyers' authorizations directly: how x402
/// payloads get front-run, how a facilitator settles several in one multicall, and how a payer
/// spends a nonce he authorized to us on a transfer to himself. It signs with the devchain's
/// deployer key.
struct FrontRunner {
    let testbed: EngineTestbed

    /// Relays `request`'s authorization and waits for its receipt.
    @discardableResult
    func relay(_ request: PaymentRequest) async throws -> Bytes32 {
        let (transfer, signature) = try Self.authorization(request)
        return try await send(to: testbed.usdc, data: USDCCalldata.transferWithAuthorization(transfer, signature: signature), gas: 200_000)
    }

    /// One transaction calling `transferWithAuthorization` for each request through the
    /// devchain's multicall contract, in order; waits for its receipt.
    @discardableResult
    func multicall(_ requests: [PaymentRequest]) async throws -> Bytes32 {
        let calls = try requests.map { request -> (Address, [UInt8]) in
            let (transfer, signature) = try Self.authorization(request)
            return (testbed.usdc, USDCCalldata.transferWithAuthorization(transfer, signature: signature))
        }
        return try await send(to: try Address(hex: testbed.chain.multicall), data: Self.aggregate(calls), gas: 200_000 * UInt64(calls.count))
    }

    /// Signs and broadcasts a transaction from the deployer's account, then waits until it is mined.
    @discardableResult
    func send(to: Address, data: [UInt8], gas: UInt64) async throws -> Bytes32 {
        let signed = try await sign(to: to, data: data, gas: gas)
        let outcome = try await testbed.rpc.sendRawTransactions([signed.raw])
        XCTAssertTrue(outcome[0].isInPool, "broadcast refused: \(outcome[0])")
        try await testbed.wait("transaction \(signed.hash.hex) mined", seconds: 30) {
            try await testbed.rpc.receipt(signed.hash) != nil
        }
        return signed.hash
    }

    /// A signed transaction from the deployer's account at its next pool nonce, not broadcast.
    func sign(to: Address, data: [UInt8], gas: UInt64, nonce: UInt64? = nil) async throws -> SignedTransaction {
        let key = try PrivateKey(hex: testbed.chain.deployer.privateKey)
        let next: UInt64
        if let nonce { next = nonce } else { next = try await testbed.rpc.transactionCount(key.address, block: .pending) }
        let fees = try await testbed.rpc.suggestFees(policy: .init(minimumPriorityFee: UInt256(2_000_000_000)))
        return EIP1559Transaction(chainId: testbed.chain.chainID, nonce: next, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                                  maxFeePerGas: fees.maxFeePerGas, gasLimit: gas, to: to, value: .zero, data: data).sign(with: key)
    }

    static func authorization(_ request: PaymentRequest) throws -> (TransferWithAuthorization, EthereumSignature) {
        let auth = request.authorization
        let signature = try auth.signature.map { try EthereumSignature(hex: $0) } ?? EthereumSignature(v: auth.v!, r: auth.r!, s: auth.s!)
        let transfer = TransferWithAuthorization(
            from: try Address(hex: auth.from), to: try Address(hex: auth.to), value: UInt256(decimal: auth.value)!,
            validAfter: UInt256(decimal: auth.validAfter)!, validBefore: UInt256(decimal: auth.validBefore)!, nonce: try Bytes32(hex: auth.nonce))
        return (transfer, signature)
    }

    /// Calldata of the devchain multicall's `aggregate((address,bytes)[])`. The engine never
    /// sends one, so its ABI encoding (a dynamic array of tuples with dynamic bytes) lives here.
    static func aggregate(_ calls: [(target: Address, data: [UInt8])]) -> [UInt8] {
        func word(_ n: Int) -> [UInt8] { ABIWord.uint256(UInt256(UInt64(n))) }
        let elements = calls.map { call -> [UInt8] in
            let padded = call.data + [UInt8](repeating: 0, count: (32 - call.data.count % 32) % 32)
            return ABIWord.address(call.target) + word(64) + word(call.data.count) + padded
        }
        var offsets: [UInt8] = []
        var position = 32 * calls.count
        for element in elements {
            offsets += word(position)
            position += element.count
        }
        return ABI.selector("aggregate((address,bytes)[])") + word(32) + word(calls.count) + offsets + elements.flatMap { $0 }
    }
}
