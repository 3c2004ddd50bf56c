import ArgumentParser
import LineProtocolCodec
import OperatorCLI
import PaymentModel

struct PricesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Show the price list the daemon enforces at enqueue, or change one product's price.",
        discussion: """
            Examples:
              payctl prices --atomic
              payctl prices set 0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084 0x036CbD53842c5426634e7929541eC2318f3dCF7e 2000000 10
              payctl prices unset 0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084
            An enqueue must pay exactly unit price × quantity in the listed payment token.
            """,
        subcommands: [List.self, Set.self, Unset.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every product with its price (the default).")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        func run() async throws {
            try await PricesCommand.show(.prices, connection: connection, display: display)
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a product's configured price (admin): stored in the database, for every instance.",
            discussion: """
                Example:
                  payctl prices set 0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084 0x036CbD53842c5426634e7929541eC2318f3dCF7e 2000000 10
                Only a product the configuration sells, paid in an accepted token, can be priced; the daemon
                checks the whole list first and refuses (exit status 1) a price that would not be valid.
                Payments already queued keep the price they were signed for. The change is logged with the caller.
                """)

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Argument(help: ArgumentHelp("The mint token's address, or deploy.", valueName: "product"))
        var product: String
        @Argument(help: ArgumentHelp("The EIP-3009 token the price is paid in (USDC).", valueName: "payment-token"))
        var paymentToken: String
        @Argument(help: ArgumentHelp("Atomic units of the payment token per item (1000000 = 1 USDC).", valueName: "unit-price"))
        var unitPrice: String
        @Argument(help: ArgumentHelp("The most items one payment may buy.", valueName: "max-quantity"))
        var maxQuantity: Int

        func run() async throws {
            let price = PriceOverride(product: product, paymentToken: paymentToken, unitPrice: unitPrice, maxQuantity: maxQuantity)
            try await PricesCommand.show(.pricesSet(price), connection: connection, display: display)
        }
    }

    struct Unset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a product's price override (admin): its configured price applies again.",
            discussion: """
                Example:
                  payctl prices unset 0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084
                """)

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Argument(help: ArgumentHelp("The mint token's address, or deploy.", valueName: "product"))
        var product: String

        func run() async throws {
            try await PricesCommand.show(.pricesUnset(product: product), connection: connection, display: display)
        }
    }

    /// Sends `command` and prints the price list it answers with.
    static func show(_ command: ProtocolCommand, connection: ConnectionOptions, display: DisplayOptions) async throws {
        let session = connection.session()
        let result = try await session.send(command)
        if display.json {
            StandardOutput.out(JSONWriterText.lines(result["prices"]?.arrayValue ?? []))
            return
        }
        let prices = try session.decode(result, ListResult.prices(wire:))
        StandardOutput.out(PricesView(style: display.style, showAtomic: display.atomic).render(prices))
    }
}
