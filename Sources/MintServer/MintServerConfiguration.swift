import Ethereum
import Foundation
import Logging
import X402

/// Everything `mint-server` needs, merged like paymentd's: a file of `key = value` lines, then
/// `MINT_SERVER_<KEY>` environment variables, then flags (later sources win).
///
/// It holds no private key and no database credentials by construction: the only way to
/// paymentd is its socket, and prices, receiver checks and settlement are paymentd's.
public struct MintServerConfiguration: Sendable, Equatable {
    public var listenHost = "127.0.0.1"
    public var listenPort = 8402
    public var socketPath = "/run/paymentd/paymentd.sock"
    public var chainID: UInt64 = 0
    /// The version 1 network name (default: the chain's known name, else `eip155:<id>`).
    public var networkName: String?
    /// The receiver every authorization pays (must be paymentd's `receiver`).
    public var payTo = ""
    /// The payment token's EIP-712 domain (USDC: "USD Coin" on Base, "USDC" on Base Sepolia).
    public var domainName = "USD Coin"
    public var domainVersion = "2"
    /// Scheme, host and port buyers reach this server at; `resource` URLs start with it.
    public var publicURL: String?
    /// Each route's answer mode; nil (the default): `settle` for x402 version 2 clients, so the
    /// SDK's buyers get a 200 with a real receipt when the chain is quick, and the seed's
    /// `async` for version 1 clients.
    public var mintAnswerMode: AnswerMode?
    public var batchMintAnswerMode: AnswerMode?
    /// How long `settle` mode and the facilitator's `/settle` wait for completion.
    public var settleDeadlineSeconds = 20.0
    /// How long the facilitator's `/settle` goes on waiting, past `settleDeadlineSeconds`, for a
    /// queued payment's transaction to be signed: an answer without a hash makes x402 resource
    /// servers ask the buyer to pay again. Below the SDK facilitator client's 90 s timeout.
    public var settleSignatureDeadlineSeconds = 75.0
    /// Where `/supported`, `/verify` and `/settle` live ("" for the root).
    public var facilitatorPrefix = "/facilitator"
    /// The mint token a facilitator settle buys for its payer (default: the only one sold in the asset).
    public var facilitatorToken: String?
    public var maxTimeoutSeconds: Int64 = 300
    /// Whether a version 2 payment must carry a `payment-identifier` (the 402 always declares it).
    public var paymentIdentifierRequired = false
    /// Seconds within which a second authorization for the same purchase (payer, route, body)
    /// without a payment identifier is answered with the first payment; 0: off.
    public var purchaseKeyWindowSeconds = 0.0
    public var pricesRefreshSeconds = 5.0
    /// `Retry-After` seconds on a 503.
    public var retryAfterSeconds = 2
    public var logLevel = Logger.Level.info

    public init() {}

    /// Every key the file and the environment accept, with the sentence `--help` shows.
    public static let keys: [(name: String, help: String)] = [
        ("listen", "host:port to serve HTTP on (default 127.0.0.1:8402)"),
        ("socket_path", "paymentd's Unix socket (default /run/paymentd/paymentd.sock)"),
        ("chain_id", "chain id of the network paid on (required; e.g. 8453 Base, 84532 Base Sepolia)"),
        ("network", "x402 version 1 network name (default: base / base-sepolia for their chain ids, else eip155:<chain_id>); "
            + "version 2 always uses eip155:<chain_id>"),
        ("pay_to", "receiver every authorization must pay: paymentd's receiver (required)"),
        ("eip712_name", "the payment token's EIP-712 domain name, sent as extra.name (default \"USD Coin\"; \"USDC\" on Base Sepolia)"),
        ("eip712_version", "the payment token's EIP-712 domain version, sent as extra.version (default \"2\")"),
        ("public_url", "scheme://host[:port] buyers reach this server at, for resource URLs (default http://<listen>)"),
        ("answer_mode", "async (202 at once) or settle (wait for completion up to settle_deadline_seconds) for every resource route "
            + "(default: settle for x402 v2 clients, async for v1 clients, as the seed answered them)"),
        ("mint_answer_mode", "answer mode of POST /api/mint/:address (default: answer_mode)"),
        ("batch_mint_answer_mode", "answer mode of POST /api/x402-batch-mint (default: answer_mode)"),
        ("settle_deadline_seconds", "how long settle mode and the facilitator's /settle wait for completion (default 20)"),
        ("settle_signature_deadline_seconds", "how long the facilitator's /settle goes on waiting for a queued payment's transaction "
            + "hash when it is not signed by settle_deadline_seconds (default 75; an answer without a hash makes x402 resource servers "
            + "ask the buyer to pay again; keep it below your clients' request timeout, 90 s in the x402 SDK)"),
        ("facilitator_prefix", "path prefix of /supported, /verify and /settle (default /facilitator; empty for the root)"),
        ("facilitator_token", "mint token a facilitator settle buys for its payer (default: the only mint token priced in the asset)"),
        ("max_timeout_seconds", "maxTimeoutSeconds offered in 402 challenges (default 300)"),
        ("purchase_key_window_seconds", "for clients that send no payment-identifier: a second authorization for the same purchase "
            + "(payer, route, token, quantity, recipient) within this many seconds is answered with the first payment and never "
            + "settled (default 0: off; see the README for what it trades)"),
        ("payment_identifier_required", "true: refuse (400) a version 2 payment without a payment-identifier id; the 402 says so "
            + "(default false: the extension is declared and honoured, not required)"),
        ("prices_refresh_seconds", "how long paymentd's price list is cached (default 5)"),
        ("retry_after_seconds", "Retry-After of a 503 when paymentd is unavailable, and of a 202 (when to look at the payment again; default 2)"),
        ("log_level", "trace, debug, info, notice, warning, error or critical"),
    ]

    /// Applies one setting; returns a sentence when the value is unusable.
    public mutating func apply(key: String, value raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        func mode() -> AnswerMode? { AnswerMode(rawValue: value.lowercased()) }
        switch key {
        case "listen":
            guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]), (0...65535).contains(port) else {
                return "listen must be host:port"
            }
            listenHost = String(value[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            listenPort = port
        case "socket_path": socketPath = value
        case "chain_id":
            guard let id = UInt64(value), id > 0 else { return "chain_id must be a positive integer" }
            chainID = id
        case "network": networkName = value.isEmpty ? nil : value
        case "pay_to": payTo = value
        case "eip712_name": domainName = value
        case "eip712_version": domainVersion = value
        case "public_url": publicURL = value.isEmpty ? nil : value
        case "answer_mode", "mint_answer_mode", "batch_mint_answer_mode":
            guard let mode = mode() else { return "\(key) must be async or settle" }
            if key != "batch_mint_answer_mode" { mintAnswerMode = mode }
            if key != "mint_answer_mode" { batchMintAnswerMode = mode }
        case "settle_deadline_seconds":
            guard let seconds = Double(value), seconds >= 0, seconds <= 600 else { return "settle_deadline_seconds must be 0 to 600" }
            settleDeadlineSeconds = seconds
        case "settle_signature_deadline_seconds":
            guard let seconds = Double(value), seconds >= 0, seconds <= 600 else { return "settle_signature_deadline_seconds must be 0 to 600" }
            settleSignatureDeadlineSeconds = seconds
        case "facilitator_prefix":
            guard value.isEmpty || (value.hasPrefix("/") && !value.hasSuffix("/")) else {
                return "facilitator_prefix must be empty or start with / and not end with /"
            }
            facilitatorPrefix = value
        case "facilitator_token": facilitatorToken = value.isEmpty ? nil : value
        case "purchase_key_window_seconds":
            guard let seconds = Double(value), seconds >= 0, seconds <= 86_400 else { return "purchase_key_window_seconds must be 0 to 86400" }
            purchaseKeyWindowSeconds = seconds
        case "payment_identifier_required":
            switch value.lowercased() {
            case "true", "yes", "on", "1": paymentIdentifierRequired = true
            case "false", "no", "off", "0": paymentIdentifierRequired = false
            default: return "payment_identifier_required must be true or false"
            }
        case "max_timeout_seconds":
            guard let seconds = Int64(value), seconds >= 30 else { return "max_timeout_seconds must be at least 30" }
            maxTimeoutSeconds = seconds
        case "prices_refresh_seconds":
            guard let seconds = Double(value), seconds >= 0 else { return "prices_refresh_seconds must be a non-negative number" }
            pricesRefreshSeconds = seconds
        case "retry_after_seconds":
            guard let seconds = Int(value), seconds >= 1 else { return "retry_after_seconds must be a positive integer" }
            retryAfterSeconds = seconds
        case "log_level":
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                return "log_level must be one of trace, debug, info, notice, warning, error, critical"
            }
            logLevel = level
        default:
            return "unknown key \(key) (known: \(Self.keys.map(\.name).joined(separator: ", ")))"
        }
        return nil
    }

    /// Reads a file of `key = value` lines (`#` starts a comment).
    public mutating func load(file path: String) throws(MintServerError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .configuration("cannot read config file \(path)")
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !content.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let eq = content.firstIndex(of: "=") else { throw .configuration("\(path):\(number + 1): expected key = value") }
            let key = content[..<eq].trimmingCharacters(in: .whitespaces)
            var value = String(content[content.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if let problem = apply(key: key, value: value) { throw .configuration("\(path):\(number + 1): \(problem)") }
        }
    }

    /// Applies `MINT_SERVER_<KEY>` variables.
    public mutating func load(environment: [String: String]) throws(MintServerError) {
        for (name, _) in Self.keys {
            guard let value = environment["MINT_SERVER_" + name.uppercased()] else { continue }
            if let problem = apply(key: name, value: value) { throw .configuration("MINT_SERVER_\(name.uppercased()): \(problem)") }
        }
    }

    /// Checks what can be checked before starting.
    public func validate() throws(MintServerError) {
        guard chainID > 0 else { throw .configuration("chain_id is required") }
        guard (try? Address(hex: payTo)) != nil else { throw .configuration("pay_to must be an address (paymentd's receiver)") }
        if let facilitatorToken, (try? Address(hex: facilitatorToken)) == nil {
            throw .configuration("facilitator_token must be an address")
        }
        guard !domainName.isEmpty, !domainVersion.isEmpty else { throw .configuration("eip712_name and eip712_version must not be empty") }
        guard !socketPath.isEmpty else { throw .configuration("socket_path is required") }
    }

    public var network: X402Network { X402Network(chainID: chainID, v1Name: networkName) }

    /// Where resource URLs start.
    public var baseURL: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let host = listenHost.contains(":") ? "[\(listenHost)]" : listenHost
        return "http://\(host):\(listenPort)"
    }

    /// How `route` answers a payment of x402 `version`.
    public func answerMode(for route: ResourceRoute, version: Int) -> AnswerMode {
        let configured = switch route {
        case .mint: mintAnswerMode
        case .batchMint: batchMintAnswerMode
        }
        return configured ?? (version == 2 ? .settle : .async)
    }
}
