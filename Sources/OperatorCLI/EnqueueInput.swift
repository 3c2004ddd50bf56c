import JSON
import LineProtocolCodec
import PaymentModel

/// Reads the payments of `payctl enqueue --file`: one JSON object per line, blank lines and
/// lines starting with `#` skipped. A line may be a whole enqueue request
/// (`{"cmd":"enqueue","payment":{…},"idempotency_key":"…"}`), the request without `cmd`
/// (`{"payment":{…},"idempotency_key":"…"}`), or the bare `payment` object. Every form goes
/// through the protocol's own request parser, so payctl accepts exactly what the daemon does.
public enum EnqueueInput {
    /// A payment read from line `line` (1-based).
    public struct Item: Sendable, Equatable {
        public var line: Int
        public var request: PaymentRequest

        public init(line: Int, request: PaymentRequest) {
            self.line = line
            self.request = request
        }
    }

    /// A line that is not a payment, with the parser's reason.
    public struct LineError: Sendable, Equatable {
        public var line: Int
        public var reason: String
    }

    /// Every line of a file that is not a payment.
    public struct LineErrors: Error, Sendable, Equatable {
        public var lines: [LineError]
    }

    /// Every payment of `text`, or every line that is not one (nothing is enqueued from a file
    /// with a bad line: fix it and run again).
    public static func parse(_ text: String) -> Result<[Item], LineErrors> {
        var items: [Item] = []
        var errors: [LineError] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = String(line).trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            switch request(fromLine: trimmed) {
            case .success(let request): items.append(Item(line: number, request: request))
            case .failure(let reason): errors.append(LineError(line: number, reason: reason.message))
            }
        }
        return errors.isEmpty ? .success(items) : .failure(LineErrors(lines: errors))
    }

    /// Why a value is not a payment, in the protocol parser's words.
    public struct Reason: Error, Sendable, Equatable {
        public var message: String
    }

    static func request(fromLine line: String) -> Result<PaymentRequest, Reason> {
        let value: JSONValue
        do {
            value = try StrictJSONParser.parse(line)
        } catch {
            return .failure(Reason(message: "not JSON: \(error)"))
        }
        return request(from: value)
    }

    /// One payment from a JSON value of any of the line forms; the reason when it is not one.
    public static func request(from value: JSONValue) -> Result<PaymentRequest, Reason> {
        guard case .object(var fields) = value else { return .failure(Reason(message: "must be a JSON object")) }
        if fields["cmd"] == nil {
            if fields["payment"] == nil { fields = ["payment": .object(fields)] }
            fields["cmd"] = "enqueue"
        }
        do {
            let parsed = try ProtocolRequest(json: .object(fields))
            guard case .enqueue(let request) = parsed.command else {
                return .failure(Reason(message: "is a \(parsed.command.displayName) request, not an enqueue"))
            }
            return .success(request)
        } catch {
            return .failure(Reason(message: "\(error.error.description)"))
        }
    }
}
