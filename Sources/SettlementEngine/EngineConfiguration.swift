import Foundation
import Ethereum

/// An EIP-3009 token the engine accepts payment in, with the EIP-712 domain its signatures use
/// (USDC is "USD Coin"/"2" on Base, "USDC"/"2" on Base Sepolia: the name must be right or
/// every signature fails to verify).
public struct PaymentTokenConfiguration: Sendable, Hashable {
    public var address: Address
    public var domainName: String
    public var domainVersion: String

    public init(address: Address, domainName: String, domainVersion: String) {
        self.address = address
        self.domainName = domainName
        self.domainVersion = domainVersion
    }
}

/// What the engine is fixed to for its whole life: the chain, who gets paid, which tokens are
/// accepted, and the keys it signs with. (Tunables that may change while running live in
/// `EngineSettings`.)
public struct EngineConfiguration: Sendable {
    public var chainID: UInt64
    /// The `payTo` address: every authorization must transfer to it.
    public var receiver: Address
    public var paymentTokens: [PaymentTokenConfiguration]
    /// Mint contracts payments may buy from; each has a price in `prices`.
    public var mintTokens: [Address]
    /// The configured price list; rows of `paymentd_prices` override it (see `PriceList`).
    public var prices: PriceList
    /// Hot wallets that relay payments, one nonce sequence each.
    public var paymentSigners: [PrivateKey]
    /// The wallet holding the mint contract's minter role; nil disables minting.
    public var minter: PrivateKey?
    /// Ceiling on every price's max quantity (configured or overridden).
    public var maxMintQuantity: Int
    /// This instance's name among those sharing the database (shown as the holder of leases).
    public var instanceName: String

    public init(chainID: UInt64, receiver: Address, paymentTokens: [PaymentTokenConfiguration], mintTokens: [Address], prices: PriceList,
                paymentSigners: [PrivateKey], minter: PrivateKey?, maxMintQuantity: Int = 100, instanceName: String? = nil) {
        self.chainID = chainID
        self.receiver = receiver
        self.paymentTokens = paymentTokens
        self.mintTokens = mintTokens
        self.prices = prices
        self.paymentSigners = paymentSigners
        self.minter = minter
        self.maxMintQuantity = maxMintQuantity
        self.instanceName = instanceName ?? Self.defaultInstanceName
    }

    /// `<host>:<pid>`: unique among the instances that share a database.
    public static var defaultInstanceName: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    func paymentToken(_ address: Address) -> PaymentTokenConfiguration? {
        paymentTokens.first { $0.address == address }
    }

    func domain(for token: PaymentTokenConfiguration) -> EIP712Domain {
        EIP712Domain(name: token.domainName, version: token.domainVersion, chainId: chainID, verifyingContract: token.address)
    }
}
