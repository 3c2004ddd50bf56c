import ArgumentParser

struct RetryMintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry-mint",
        abstract: "Requeue a payment's failed mint jobs (admin), once their cause is fixed.",
        discussion: """
            Example:
              payctl retry-mint 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55
            Each job's on-chain dedupe hash keeps it minted once: a job that was in fact minted is
            marked done. `payctl stats` counts failed mint jobs.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup var payment: PaymentIDArgument

    func run() async throws {
        try await PaymentCommandOutput.show(.retryMint(paymentID: payment.id), connection: connection, display: display,
                                            heading: "mint jobs queued again:")
    }
}
