import ArgumentParser
import OperatorCLI
import PaymentModel

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show one payment: its state, transactions, signer, nonce and mint jobs.",
        discussion: """
            Example:
              payctl status 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55
            Exit status 4 when no payment has that id.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup var payment: PaymentIDArgument

    func run() async throws {
        try await PaymentCommandOutput.show(.status(paymentID: payment.id), connection: connection, display: display)
    }
}
