import ArgumentParser
import OperatorCLI
import PaymentModel
import LineProtocolCodec

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show queue counts, ages, rates, signer lanes and RPC endpoints.",
        discussion: """
            Examples:
              payctl stats
              payctl stats --json | jq .oldest_sent_age_seconds
            For monitoring with thresholds and exit codes, use paymentd-health.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let session = connection.session()
        let result = try await session.send(.stats)
        if display.json {
            StandardOutput.out(JSONWriterText.lines([result]))
            return
        }
        let stats = try session.decode(result, PaymentStats.init(wire:))
        StandardOutput.out(StatsView(style: display.style).render(stats))
    }
}
