import ArgumentParser
import LineProtocolCodec
import PaymentModel

/// A payment id on the command line, checked before anything is sent.
struct PaymentIDArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The payment's id (a UUID, as `payctl list` shows it).", valueName: "payment-id"))
    var id: String

    func validate() throws {
        guard PaymentID.canonical(id) != nil else {
            throw ValidationError("'\(id)' is not a payment id; ids are UUIDs such as 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55 (see `payctl list`).")
        }
    }
}

extension PaymentStatus: ExpressibleByArgument {}
