import Foundation
import JSON

/// One funded account of the devchain. Keys are public by construction (derived from fixed
/// strings), so they may appear in tests; never put value behind them.
public struct DevchainAccount: Sendable, Hashable {
    /// EIP-55 checksummed, `0x`-prefixed.
    public let address: String
    /// `0x` and 64 hex digits.
    public let privateKey: String
}

/// What the devchain printed when it became ready: its URL, chain id, contract addresses and
/// accounts.
///
/// Kept as strings (this target does not depend on `Ethereum`); tests parse them into
/// `Address` / `PrivateKey` where they need to.
public struct DevchainDeployment: Sendable, Hashable {
    public let rpcURL: String
    public let chainID: UInt64
    /// The USDC stand-in (EIP-3009).
    public let usdc: String
    /// USDC's EIP-712 domain name and version.
    public let usdcName: String
    public let usdcVersion: String
    public let usdcDecimals: Int
    /// The pay-then-mint token contract.
    public let mintToken: String
    /// Where buyers pay (the seed's payTo: the mint token's address).
    public let receiver: String
    /// A multicall contract (`aggregate((address,bytes)[])`): several calls in one transaction,
    /// as a facilitator settling several payments at once sends them.
    public let multicall: String
    /// Tokens per mint, decimal (18 decimals).
    public let mintAmount: String
    public let maxSupply: String
    /// Owns the contracts; USDC's master minter.
    public let deployer: DevchainAccount
    /// Holds the mint token's minter role.
    public let minter: DevchainAccount
    /// Relayer hot wallets: ETH only, no role.
    public let signers: [DevchainAccount]
    /// Payers: 10 ETH and 1,000,000 USDC each.
    public let buyers: [DevchainAccount]

    /// The TCP port of `rpcURL`.
    public var port: UInt16 {
        UInt16(rpcURL.split(separator: ":").last.map(String.init) ?? "") ?? 0
    }

    /// Parses the JSON line `serve` prints; the error names the first missing or mistyped field.
    init(jsonLine: [UInt8]) throws {
        let root: JSONValue
        do {
            root = try JSONText.decode(JSONValue.self, from: jsonLine)
        } catch {
            throw HarnessError("The devchain's ready line is not JSON: \(String(decoding: jsonLine.prefix(300), as: UTF8.self))")
        }
        func string(_ key: String) throws -> String {
            guard let value = root[key]?.stringValue else { throw HarnessError("The devchain's ready line has no string \"\(key)\"") }
            return value
        }
        func integer(_ key: String) throws -> Int64 {
            guard let value = root[key]?.intValue else { throw HarnessError("The devchain's ready line has no integer \"\(key)\"") }
            return value
        }
        func account(_ value: JSONValue?, _ name: String) throws -> DevchainAccount {
            guard let address = value?["address"]?.stringValue, let key = value?["private_key"]?.stringValue else {
                throw HarnessError("The devchain's ready line has no account \(name) with address and private_key")
            }
            return DevchainAccount(address: address, privateKey: key)
        }
        func accounts(_ key: String) throws -> [DevchainAccount] {
            guard let list = root[key]?.arrayValue else { throw HarnessError("The devchain's ready line has no list \"\(key)\"") }
            return try list.enumerated().map { try account($1, "\(key)[\($0)]") }
        }
        rpcURL = try string("rpc_url")
        chainID = UInt64(try integer("chain_id"))
        usdc = try string("usdc")
        usdcName = try string("usdc_name")
        usdcVersion = try string("usdc_version")
        usdcDecimals = Int(try integer("usdc_decimals"))
        mintToken = try string("mint_token")
        receiver = try string("receiver")
        multicall = try string("multicall")
        mintAmount = try string("mint_amount")
        maxSupply = try string("max_supply")
        deployer = try account(root["deployer"], "deployer")
        minter = try account(root["minter"], "minter")
        signers = try accounts("signers")
        buyers = try accounts("buyers")
    }
}
