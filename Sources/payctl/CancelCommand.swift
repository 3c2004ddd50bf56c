import ArgumentParser

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Fail a payment that has not been signed yet (admin).",
        discussion: """
            Example:
              payctl cancel 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55
            Only pending payments can be cancelled; once signed, a payment settles or fails on chain.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup var payment: PaymentIDArgument

    func run() async throws {
        try await PaymentCommandOutput.show(.cancel(paymentID: payment.id), connection: connection, display: display, heading: "cancelled:")
    }
}
