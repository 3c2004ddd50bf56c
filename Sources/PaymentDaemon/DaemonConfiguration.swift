import Ethereum
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import SettlementEngine

/// Everything `paymentd` needs to start, merged from the config file, the environment
/// (`PAYMENTD_<KEY>`) and command-line flags, in that order of precedence (flags win).
///
/// Keys never travel in here as text from argv or the environment: the configuration names key
/// *files* (relative names are looked up in `$CREDENTIALS_DIRECTORY` first, for systemd's
/// `LoadCredential=`), and `KeyFiles` reads them.
public struct DaemonConfiguration: Sendable, Equatable {
    public var socketPath = "/run/paymentd/paymentd.sock"
    /// Group (name or gid) given the socket file paymentd binds itself, so e.g. mint-server's
    /// user can connect; nil keeps the daemon's primary group.
    public var socketGroup: String?
    public var databaseURL = ""
    /// The chain's JSON-RPC endpoints, in order of preference (`rpc_urls`, or one `rpc_url`).
    public var rpcURLs: [String] = []
    public var chainID: UInt64 = 0
    public var receiver = ""
    /// `address:name:version` for each accepted EIP-3009 token, e.g.
    /// `0x8335…2913:USD Coin:2`.
    public var paymentTokens: [String] = []
    public var mintTokens: [String] = []
    /// `<mint token | deploy>:<payment token>:<unit price>:<max quantity>` for each product.
    public var prices: [String] = []
    public var signerKeyFiles: [String] = []
    public var minterKeyFile: String?
    public var adminUIDs: [UInt32] = []
    public var migrationsDirectory = "/usr/share/paymentd/migrations"
    public var logLevel = Logger.Level.info
    public var maxMintQuantity = 100
    /// This instance's name among several sharing one database (nil: `<host>:<pid>`).
    public var instanceName: String?

    public init() {}

    /// Every key the file and the environment accept, with the sentence `--help` shows.
    public static let keys: [(name: String, help: String)] = [
        ("socket_path", "Unix socket to listen on when systemd passes none (default /run/paymentd/paymentd.sock)"),
        ("socket_group", "group (name or gid) of the socket file paymentd binds itself; members may connect"),
        ("database_url", "libpq connection string or postgresql:// URL"),
        ("rpc_url", "JSON-RPC endpoint of the chain (the one-endpoint form of rpc_urls)"),
        ("rpc_urls", "comma-separated JSON-RPC endpoints of the chain, preferred first: reads fail over to the next healthy one "
            + "(a failing endpoint is backed off and probed), broadcasts go to every healthy one; each must serve chain_id"),
        ("chain_id", "chain id the RPC endpoint must serve (e.g. 8453 for Base)"),
        ("receiver", "payTo address every authorization must transfer to"),
        ("payment_tokens", "comma-separated address:eip712-name:eip712-version of each accepted EIP-3009 token"),
        ("mint_tokens", "comma-separated mint contracts payments may buy from (required; each needs a price)"),
        ("prices", "comma-separated <mint token>:<payment token>:<unit price>:<max quantity>, one per mint token "
            + "(unit price in the payment token's atomic units; add deploy:<payment token>:<price>:1 to accept deploy payments); "
            + "rows of the paymentd_prices table override them"),
        ("signer_key_files", "comma-separated files holding the relayer hot wallets' private keys (hex)"),
        ("minter_key_file", "file holding the minter wallet's private key (hex); unset disables minting"),
        ("admin_uids", "comma-separated uids allowed to run stop, settings set, retry and cancel (root and the daemon's own uid always are)"),
        ("migrations_dir", "directory of the schema migrations (*.sql)"),
        ("log_level", "trace, debug, info, notice, warning, error or critical"),
        ("max_mint_quantity", "ceiling on every price's max quantity (default 100, at most 1000)"),
        ("instance_name", "this instance's name when several share one database: it holds signer lanes and the coordinator's work by PostgreSQL advisory locks (default <host>:<pid>)"),
    ]

    /// Applies one `key = value` setting; returns a sentence when the value is unusable.
    public mutating func apply(key: String, value raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        func list() -> [String] { value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        switch key {
        case "socket_path": socketPath = value
        case "socket_group": socketGroup = value.isEmpty ? nil : value
        case "database_url": databaseURL = value
        case "rpc_url": rpcURLs = value.isEmpty ? [] : [value]
        case "rpc_urls": rpcURLs = list()
        case "chain_id":
            guard let n = UInt64(value) else { return "chain_id must be a positive integer" }
            chainID = n
        case "receiver": receiver = value
        case "payment_tokens": paymentTokens = list()
        case "mint_tokens": mintTokens = list()
        case "prices": prices = list()
        case "signer_key_files": signerKeyFiles = list()
        case "minter_key_file": minterKeyFile = value.isEmpty ? nil : value
        case "admin_uids":
            let uids = list().map { UInt32($0) }
            guard uids.allSatisfy({ $0 != nil }) else { return "admin_uids must be comma-separated numbers" }
            adminUIDs = uids.compactMap { $0 }
        case "migrations_dir": migrationsDirectory = value
        case "log_level":
            guard let level = Logger.Level(rawValue: value.lowercased()) else { return "log_level must be one of trace, debug, info, notice, warning, error, critical" }
            logLevel = level
        case "instance_name":
            guard value.count <= 48, value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:".contains($0) }) else {
                return "instance_name must be up to 48 letters, digits, '-', '_', '.' or ':'"
            }
            instanceName = value.isEmpty ? nil : value
        case "max_mint_quantity":
            guard let n = Int(value), n > 0 else { return "max_mint_quantity must be a positive integer" }
            maxMintQuantity = n
        default:
            return "unknown key \(key) (known: \(Self.keys.map(\.name).joined(separator: ", ")))"
        }
        return nil
    }

    /// Reads a config file of `key = value` lines (`#` starts a comment).
    public mutating func load(file path: String) throws(DaemonError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .configuration("cannot read config file \(path)")
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !content.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let eq = content.firstIndex(of: "=") else {
                throw .configuration("\(path):\(number + 1): expected key = value")
            }
            let key = content[..<eq].trimmingCharacters(in: .whitespaces)
            var value = String(content[content.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if let problem = apply(key: key, value: value) { throw .configuration("\(path):\(number + 1): \(problem)") }
        }
    }

    /// Applies `PAYMENTD_<KEY>` variables.
    public mutating func load(environment: [String: String]) throws(DaemonError) {
        for (name, _) in Self.keys {
            guard let value = environment["PAYMENTD_" + name.uppercased()] else { continue }
            if let problem = apply(key: name, value: value) { throw .configuration("PAYMENTD_\(name.uppercased()): \(problem)") }
        }
    }

    /// Checks what can be checked before anything starts, and builds the engine's view.
    public func engineConfiguration(keys: KeyFiles) throws(DaemonError) -> EngineConfiguration {
        guard !databaseURL.isEmpty else { throw .configuration("database_url is required") }
        guard !rpcURLs.isEmpty else { throw .configuration("rpc_url (or rpc_urls) is required") }
        guard Set(rpcURLs).count == rpcURLs.count else { throw .configuration("rpc_urls lists an endpoint twice") }
        guard chainID > 0 else { throw .configuration("chain_id is required") }
        let receiverAddress = try address(receiver, "receiver")
        guard !paymentTokens.isEmpty else { throw .configuration("payment_tokens needs at least one address:name:version") }
        let tokens = try paymentTokens.map { spec throws(DaemonError) -> PaymentTokenConfiguration in
            let parts = spec.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { throw .configuration("payment_tokens entry \(spec) must be address:eip712-name:eip712-version") }
            return PaymentTokenConfiguration(address: try address(parts[0], "payment_tokens"), domainName: parts[1], domainVersion: parts[2])
        }
        guard !mintTokens.isEmpty else {
            throw .configuration("mint_tokens is required: name the mint contracts payments may buy from, each with a price in prices")
        }
        let mints = try mintTokens.map { text throws(DaemonError) in try address(text, "mint_tokens") }
        let priceList: PriceList
        do {
            priceList = try PriceList(configured: try prices.map { spec throws(PriceListError) in try ProductPrice(parsing: spec) },
                                      mintTokens: mints, paymentTokens: tokens.map(\.address), maxQuantity: maxMintQuantity)
        } catch {
            throw .configuration("prices: \(error.description)")
        }
        guard !signerKeyFiles.isEmpty else { throw .configuration("signer_key_files needs at least one key file") }
        let signers = try signerKeyFiles.map { file throws(DaemonError) in try keys.read(file) }
        let minter = try minterKeyFile.map { file throws(DaemonError) in try keys.read(file) }
        let all = signers.map(\.address) + (minter.map { [$0.address] } ?? [])
        guard Set(all).count == all.count else {
            throw .configuration("every signer and the minter must be different wallets: two keys share an address")
        }
        return EngineConfiguration(chainID: chainID, receiver: receiverAddress, paymentTokens: tokens, mintTokens: mints, prices: priceList,
                                   paymentSigners: signers, minter: minter, maxMintQuantity: maxMintQuantity, instanceName: instanceName)
    }

    /// The gid of `socket_group`, if set: a number, or a group name looked up in the system.
    public func socketGroupID() throws(DaemonError) -> UInt32? {
        guard let socketGroup else { return nil }
        if let gid = UInt32(socketGroup) { return gid }
        guard let entry = getgrnam(socketGroup) else { throw .configuration("socket_group: no group named \(socketGroup)") }
        return entry.pointee.gr_gid
    }

    private func address(_ text: String, _ key: String) throws(DaemonError) -> Address {
        do {
            return try Address(hex: text)
        } catch {
            throw .configuration("\(key): \(text) is not an address (\(error.description))")
        }
    }
}

/// Why the daemon cannot start or had to stop.
public enum DaemonError: Error, CustomStringConvertible, Equatable {
    case configuration(String)
    case keyFile(String)
    case startup(String)
    /// The socket listener failed by itself while running.
    case listener(String)

    public var description: String {
        switch self {
        case .configuration(let message): "configuration: \(message)"
        case .keyFile(let message): "key file: \(message)"
        case .startup(let message): "start-up: \(message)"
        case .listener(let message): "socket listener failed: \(message)"
        }
    }
}
