import ChainClient
import Ethereum
import TestHarness
import XCTest

/// The process's shared devchain with its addresses and keys as Ethereum types, an RPC client
/// for it, and the signing steps the tests repeat.
struct LiveChain: Sendable {
    let node: Devchain
    let rpc: EthereumRPC
    let chainID: UInt64
    let usdc: Address
    let mintToken: Address
    let receiver: Address
    let minter: PrivateKey
    let signers: [PrivateKey]
    let buyers: [PrivateKey]
    let domain: EIP712Domain

    private static let sharedInstance = Result { try LiveChain(node: Devchain.shared()) }

    /// The shared node, with faults off and an empty pool, so every test starts from the same place.
    static func prepared() throws -> LiveChain {
        let chain = try sharedInstance.get()
        try chain.node.resetFaults()
        try chain.node.control("anvil_dropAllTransactions")
        return chain
    }

    init(node: Devchain) throws {
        self.node = node
        rpc = EthereumRPC(url: node.rpcURL, timeoutMilliseconds: 30_000, name: "chain-client-tests")
        chainID = node.chainID
        usdc = try Address(hex: node.usdc)
        mintToken = try Address(hex: node.mintToken)
        receiver = try Address(hex: node.receiver)
        minter = try PrivateKey(hex: node.minter.privateKey)
        signers = try node.signers.map { try PrivateKey(hex: $0.privateKey) }
        buyers = try node.buyers.map { try PrivateKey(hex: $0.privateKey) }
        domain = EIP712Domain(name: node.usdcName, version: node.usdcVersion, chainId: node.chainID, verifyingContract: usdc)
    }

    /// A buyer's signed EIP-3009 authorization paying `value` to the receiver, valid for a day of
    /// block time, and the `transferWithAuthorization` calldata that settles it.
    func authorization(buyer: PrivateKey, value: UInt256 = 1_000_000, nonce: Bytes32 = .random()) async throws
        -> (authorization: TransferWithAuthorization, calldata: [UInt8]) {
        let head = try await rpc.block(.latest)
        let validBefore = UInt256((head?.timestamp ?? 0) + 86_400)
        let authorization = TransferWithAuthorization(from: buyer.address, to: receiver, value: value,
                                                      validAfter: .zero, validBefore: validBefore, nonce: nonce)
        let signature = buyer.sign(digest: authorization.digest(domain: domain))
        return (authorization, USDCCalldata.transferWithAuthorization(authorization, signature: signature))
    }

    /// An EIP-1559 transaction from `key` with explicit fees and gas (no estimate, so calls that
    /// would revert can still be sent).
    func transaction(from key: PrivateKey, to: Address, data: [UInt8], nonce: UInt64, tip: UInt256 = 1_000_000_000,
                     maxFee: UInt256 = 50_000_000_000, gasLimit: UInt64 = 150_000) -> SignedTransaction {
        EIP1559Transaction(chainId: chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                           gasLimit: gasLimit, to: to, data: data).sign(with: key)
    }

    /// The key's next nonce, counting its transactions waiting in the pool.
    func nextNonce(_ key: PrivateKey) async throws -> UInt64 {
        try await rpc.transactionCount(key.address, block: .pending)
    }
}

extension Bytes32 {
    static func random() -> Bytes32 {
        // 32 bytes always make a Bytes32.
        try! Bytes32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
    }
}

/// The error an operation threw, or nil when it succeeded.
func chainError<T>(_ operation: () async throws(ChainError) -> T) async -> ChainError? {
    do throws(ChainError) {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}

/// A 32-byte topic holding `address`, as indexed event arguments are stored.
func topic(_ address: Address) -> Bytes32 {
    try! Bytes32(bytes: [UInt8](repeating: 0, count: 12) + address.bytes)
}
