import ArgumentParser

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put a failed payment back in the queue (admin), when its authorization can still settle.",
        discussion: """
            Example:
              payctl retry 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55
            Only failed and confirmation_failed payments can be retried; the daemon refuses one whose
            authorization was used or is about to expire (exit status 1, with its reason).
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup var payment: PaymentIDArgument

    func run() async throws {
        try await PaymentCommandOutput.show(.retry(paymentID: payment.id), connection: connection, display: display, heading: "queued again:")
    }
}
