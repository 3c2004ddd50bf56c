import ArgumentParser
import Foundation
import JournalLog
import Logging
import MintServer

/// `mint-server`: parse the configuration, build the server, run its service group. Everything
/// else lives in the MintServer library, where tests reach it.
@main
struct MintServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint-server",
        abstract: "The keyless x402 HTTP front of paymentd: 402 challenges (v1 and v2), the seed's mint routes, and a facilitator API.",
        discussion: """
            mint-server holds no private key and no database credentials: prices, payment checks, settlement and \
            minting are paymentd's, reached over its Unix socket.

            Configuration comes from --config FILE (lines of `key = value`), then MINT_SERVER_<KEY> environment \
            variables, then the flags below; later sources win. Keys:
            \(MintServerConfiguration.keys.map { "  \($0.name): \($0.help)" }.joined(separator: "\n"))

            Routes: POST /api/mint/:address, POST /api/x402-batch-mint, GET /api/payment/:paymentId, \
            GET /api/payment-stats (and /api/payment/stats), GET /health, and GET <prefix>/supported, \
            POST <prefix>/verify, POST <prefix>/settle. SIGTERM or SIGINT stop it gracefully.
            """)

    @Option(name: .long, help: "Config file of `key = value` lines.")
    var config: String?

    @Option(name: .long, help: "host:port to listen on (key listen).")
    var listen: String?

    @Option(name: .long, help: "paymentd's Unix socket (key socket_path).")
    var socket: String?

    @Option(name: .customLong("chain-id"), help: "Chain id paid on (key chain_id).")
    var chainID: String?

    @Option(name: .customLong("pay-to"), help: "Receiver every authorization pays (key pay_to).")
    var payTo: String?

    @Option(name: .customLong("public-url"), help: "Base URL buyers reach this server at (key public_url).")
    var publicURL: String?

    @Option(name: .customLong("answer-mode"), help: "async or settle for every resource route (key answer_mode).")
    var answerMode: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Flag(name: .customLong("check-config"), help: "Validate the configuration, print it, and exit.")
    var checkConfig = false

    func run() async throws {
        var settings = MintServerConfiguration()
        do {
            if let config { try settings.load(file: config) }
            try settings.load(environment: ProcessInfo.processInfo.environment)
            for (key, value) in [("listen", listen), ("socket_path", socket), ("chain_id", chainID), ("pay_to", payTo),
                                 ("public_url", publicURL), ("answer_mode", answerMode), ("log_level", logLevel)] {
                guard let value else { continue }
                if let problem = settings.apply(key: key, value: value) { throw MintServerError.configuration("--\(key): \(problem)") }
            }
            try settings.validate()
        } catch let error as MintServerError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(2)
        }
        if checkConfig {
            print("configuration ok: listen \(settings.listenHost):\(settings.listenPort), paymentd \(settings.socketPath), "
                  + "network \(settings.network.caip2) (\(settings.network.v1Name)), pay_to \(settings.payTo)")
            return
        }
        // Under journald (JOURNAL_STREAM names our stderr) each line carries its priority.
        LoggingSystem.bootstrap(JournalLogHandler.bootstrap(level: LiveLogLevel(settings.logLevel)), metadataProvider: nil)
        try await MintServer(configuration: settings, logger: Logger(label: "mint-server")).run()
    }
}
