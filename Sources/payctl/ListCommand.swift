import ArgumentParser
import JSON
import LineProtocolCodec
import OperatorCLI
import PaymentModel

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List payments, newest first.",
        discussion: """
            Examples:
              payctl list --status sent --older-than 5m     payments stuck unconfirmed
              payctl list --payer 0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9
              payctl list --lost                              settlements a reorg took
              payctl list --refund-due                        charged buyers whose mints failed
              payctl list --status failed --json | jq -r .payment_id
            Piped, the table is plain with full hashes and '-' for empty cells, so awk can split it.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    @Option(help: "Only payments in this status.")
    var status: PaymentStatus?

    @Option(help: ArgumentHelp("Only this buyer's payments.", valueName: "address"))
    var payer: String?

    @Option(name: .customLong("older-than"), help: ArgumentHelp("Only payments created at least this long ago, e.g. 60s, 5m, 2h.",
                                                               valueName: "duration"))
    var olderThan: DurationArgument?

    @Flag(help: "Only completed payments whose settlement a reorg took and nothing could restore.")
    var lost = false

    @Flag(name: .customLong("refund-due"),
          help: "Only paid payments with a mint that cannot be made and no refund recorded (then retry-mint or refund).")
    var refundDue = false

    @Option(help: "At most this many (1 to 1000).")
    var limit = 50

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000 (got \(limit)).") }
    }

    func run() async throws {
        let session = connection.session()
        let filter = PaymentListFilter(status: status, payer: payer, olderThanSeconds: olderThan?.seconds, settlementLost: lost,
                                       refundDue: refundDue, limit: limit)
        let result = try await session.send(.list(filter))
        if display.json {
            StandardOutput.out(JSONWriterText.lines(result["payments"]?.arrayValue ?? []))
            return
        }
        let payments = try session.decode(result, ListResult.payments(wire:))
        StandardOutput.out(PaymentListView(style: display.style, showAtomic: display.atomic).render(payments))
    }
}
