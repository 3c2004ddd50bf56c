import ArgumentParser
import LineProtocolCodec
import OperatorCLI

struct PricesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Show the price list the daemon enforces at enqueue.",
        discussion: """
            Example:
              payctl prices --atomic
            An enqueue must pay exactly unit price × quantity in the listed payment token.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let session = connection.session()
        let result = try await session.send(.prices)
        if display.json {
            StandardOutput.out(JSONWriterText.lines(result["prices"]?.arrayValue ?? []))
            return
        }
        let prices = try session.decode(result, ListResult.prices(wire:))
        StandardOutput.out(PricesView(style: display.style, showAtomic: display.atomic).render(prices))
    }
}
