import ArgumentParser
import LineProtocolCodec

struct RefundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Record a refund made by hand for a paid payment whose mints cannot be made (admin).",
        discussion: """
            A payment is refund due when its buyer was charged and one of its mint jobs failed
            (the token sold out or the minter lost its role outside paymentd): `payctl stats` counts
            them and `payctl list --refund-due` lists them with the amount owed. Either fix the
            cause and `payctl retry-mint` it, or pay the buyer back (a transfer of the payment
            token to the payer, from any wallet) and record that transaction here:
              payctl list --refund-due
              payctl refund 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55 0x5c50…e1a2
            paymentd checks the transaction on chain first: mined, successful, at least
            confirmations_required deep, and transferring at least the amount owed to the payer.
            A recorded refund closes the payment's failed mints: retry-mint then refuses them.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup var payment: PaymentIDArgument

    @Argument(help: ArgumentHelp("The refund transaction's hash (0x and 64 hex digits).", valueName: "tx-hash"))
    var txHash: String

    func validate() throws {
        guard HexText.isPrefixed(txHash, digits: 64) else {
            throw ValidationError("'\(txHash)' is not a transaction hash; write it as 0x followed by 64 hex digits.")
        }
    }

    func run() async throws {
        try await PaymentCommandOutput.show(.refund(paymentID: payment.id, txHash: txHash), connection: connection, display: display,
                                            heading: "refund recorded:")
    }
}
