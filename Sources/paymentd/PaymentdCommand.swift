import ArgumentParser
import Foundation
import JournalLog
import Logging
import PaymentDaemon

/// `paymentd`: parse the configuration, build the daemon, run it. Everything else lives in
/// the PaymentDaemon library, where tests reach it.
@main
struct PaymentdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paymentd",
        abstract: "Settle x402 EIP-3009 payments on-chain and mint what they bought, exactly once.",
        discussion: """
            paymentd owns the payment queue (PostgreSQL), the relayer hot wallets and their nonces. Clients talk \
            to it over a Unix socket, one JSON object per line (see protocol/PROTOCOL.md); try \
            `echo stats | socat - UNIX-CONNECT:/run/paymentd/paymentd.sock`.

            Configuration comes from --config FILE (lines of `key = value`), then PAYMENTD_<KEY> environment \
            variables, then the flags below; later sources win. Keys:
            \(DaemonConfiguration.keys.map { "  \($0.name): \($0.help)" }.joined(separator: "\n"))

            Private keys are read from files only, never from flags or the environment. Under systemd, load \
            them with LoadCredential= and name the credential; relative names are looked up in \
            $CREDENTIALS_DIRECTORY first. With socket activation paymentd adopts the passed socket; it \
            sends READY=1 once the database, the chain and the nonce state are ready, and WATCHDOG=1 only \
            while its loops make progress.
            """)

    @Option(name: .long, help: "Config file of `key = value` lines.")
    var config: String?

    @Option(name: .long, help: "Unix socket path (when systemd passes no socket).")
    var socket: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL connection string.")
    var databaseURL: String?

    @Option(name: .customLong("rpc-url"), help: "Chain JSON-RPC endpoint (repeatable: several endpoints, preferred first).")
    var rpcURLs: [String] = []

    @Option(name: .customLong("chain-id"), help: "Chain id the endpoint must serve.")
    var chainID: UInt64?

    @Option(name: .long, help: "payTo address of every authorization.")
    var receiver: String?

    @Option(name: .customLong("payment-token"), help: "Accepted EIP-3009 token as address:eip712-name:eip712-version (repeatable).")
    var paymentTokens: [String] = []

    @Option(name: .customLong("mint-token"), help: "Mint contract payments may buy from (repeatable; at least one, each with a price).")
    var mintTokens: [String] = []

    @Option(name: .customLong("price"), help: "<mint token | deploy>:<payment token>:<unit price>:<max quantity> (repeatable).")
    var prices: [String] = []

    @Option(name: .customLong("signer-key-file"), help: "File with a relayer wallet's private key (repeatable).")
    var signerKeyFiles: [String] = []

    @Option(name: .customLong("minter-key-file"), help: "File with the minter wallet's private key.")
    var minterKeyFile: String?

    @Option(name: .customLong("admin-uid"), help: "uid allowed to run admin commands (repeatable).")
    var adminUIDs: [UInt32] = []

    @Option(name: .customLong("migrations-dir"), help: "Directory of the schema migrations.")
    var migrationsDirectory: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Flag(name: .customLong("check-config"), help: "Validate the configuration and key files, print a summary, and exit.")
    var checkConfig = false

    func run() async throws {
        var settings = DaemonConfiguration()
        do {
            if let config { try settings.load(file: config) }
            try settings.load(environment: ProcessInfo.processInfo.environment)
            try applyFlags(&settings)
        } catch {
            throw ValidationError(error.description)
        }
        // Under journald (JOURNAL_STREAM names our stderr) each line carries its priority;
        // the level stays live: the `log_level` setting moves it.
        let level = LiveLogLevel(settings.logLevel)
        LoggingSystem.bootstrap(JournalLogHandler.bootstrap(level: level), metadataProvider: nil)
        let logger = Logger(label: "paymentd")
        let engineConfiguration = try settings.engineConfiguration(keys: KeyFiles())
        if checkConfig {
            print("configuration ok: chain \(engineConfiguration.chainID) (\(settings.rpcURLs.count) RPC endpoint(s)), receiver \(engineConfiguration.receiver.checksummed), "
                  + "\(engineConfiguration.paymentSigners.count) signer(s) "
                  + "\(engineConfiguration.paymentSigners.map(\.address.checksummed).joined(separator: ", ")), "
                  + "minter \(engineConfiguration.minter?.address.checksummed ?? "none"), "
                  + "prices \(engineConfiguration.prices.entries.map { "\($0.product) \($0.unitPrice) x1..\($0.maxQuantity)" }.joined(separator: "; "))")
            return
        }
        let daemon = PaymentDaemon(configuration: settings, engineConfiguration: engineConfiguration, version: PaymentdVersion.string, logger: logger,
                                   logLevel: level)
        let status: Int32
        do {
            status = try await daemon.run()
        } catch {
            logger.critical("paymentd cannot run", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func applyFlags(_ settings: inout DaemonConfiguration) throws(DaemonError) {
        var pairs: [(String, String)] = []
        if let socket { pairs.append(("socket_path", socket)) }
        if let databaseURL { pairs.append(("database_url", databaseURL)) }
        if !rpcURLs.isEmpty { pairs.append(("rpc_urls", rpcURLs.joined(separator: ","))) }
        if let chainID { pairs.append(("chain_id", String(chainID))) }
        if let receiver { pairs.append(("receiver", receiver)) }
        if !paymentTokens.isEmpty { pairs.append(("payment_tokens", paymentTokens.joined(separator: ","))) }
        if !mintTokens.isEmpty { pairs.append(("mint_tokens", mintTokens.joined(separator: ","))) }
        if !prices.isEmpty { pairs.append(("prices", prices.joined(separator: ","))) }
        if !signerKeyFiles.isEmpty { pairs.append(("signer_key_files", signerKeyFiles.joined(separator: ","))) }
        if let minterKeyFile { pairs.append(("minter_key_file", minterKeyFile)) }
        if !adminUIDs.isEmpty { pairs.append(("admin_uids", adminUIDs.map(String.init).joined(separator: ","))) }
        if let migrationsDirectory { pairs.append(("migrations_dir", migrationsDirectory)) }
        if let logLevel { pairs.append(("log_level", logLevel)) }
        for (key, value) in pairs {
            if let problem = settings.apply(key: key, value: value) { throw .configuration("--\(key.replacingOccurrences(of: "_", with: "-")): \(problem)") }
        }
    }
}
