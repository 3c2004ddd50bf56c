import LineProtocolCodec
import PaymentModel

/// One `watch` event as a plain line, for a pipe or a log:
/// `2025-01-31T09:05:07.123Z  <payment id>  sent  0x…` (then the error, if any). Fields are
/// separated by two spaces and an absent one is `-`, so every line splits the same way.
public enum WatchEventText {
    public static func line(_ event: PaymentEvent, style: TerminalStyle = .plain) -> String {
        var fields = [RFC3339Time.format(event.at), event.paymentID, style.status(event.status), event.txHash ?? "-"]
        if let error = event.error { fields.append(error) }
        return fields.joined(separator: "  ") + "\n"
    }

    /// The event as a JSON line: the protocol's event line without the watch request's id.
    public static func json(_ event: PaymentEvent) -> String {
        var value = EventLine(id: .null, event: event).wireValue
        if case .object(var fields) = value {
            fields["id"] = nil
            value = .object(fields)
        }
        return JSONWriterText.compact(value) + "\n"
    }
}
