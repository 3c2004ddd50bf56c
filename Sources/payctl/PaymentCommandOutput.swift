import LineProtocolCodec
import OperatorCLI
import PaymentModel

/// Commands whose result is one payment (status, retry, retry-mint, cancel) print it the same
/// way: its detail view, or the result object as JSON.
enum PaymentCommandOutput {
    static func show(_ command: ProtocolCommand, connection: ConnectionOptions, display: DisplayOptions, heading: String? = nil) async throws {
        let session = connection.session()
        let result = try await session.send(command)
        if display.json {
            StandardOutput.out(JSONWriterText.lines([result]))
            return
        }
        let payment = try session.decode(result, PaymentSnapshot.init(wire:))
        StandardOutput.out((heading.map { $0 + "\n" } ?? "") + PaymentDetailView(style: display.style, showAtomic: display.atomic).render(payment))
    }
}
