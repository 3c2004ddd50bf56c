import JSON
import PaymentModel

extension ProtocolRequest {
    /// Parses one line's content (without its newline). Returns nil for a blank line, which
    /// the protocol ignores; a line that starts like a word is a bare-word command, anything
    /// else must be a JSON request object.
    public static func parse(line: [UInt8]) throws(RejectedRequest) -> ProtocolRequest? {
        let trimmed = line.trimmingProtocolWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if let words = BareWordCommand.words(in: trimmed) {
            return ProtocolRequest(id: .null, command: try BareWordCommand.command(from: words))
        }
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try StrictJSONParser.parse(trimmed)
        } catch {
            throw RejectedRequest(id: .null, error: .malformedJSON(error.description))
        }
        return try ProtocolRequest(json: value)
    }

    /// Reads a request object: `{"id":…, "cmd":"…", …arguments}`. Unknown fields are ignored.
    public init(json value: JSONValue) throws(RejectedRequest) {
        guard case .object(let fields) = value else {
            throw RejectedRequest(id: .null, error: .invalidRequest("a request must be a JSON object"))
        }
        let id = fields["id"] ?? .null
        guard let cmd = fields["cmd"] else {
            throw RejectedRequest(id: id, error: .invalidRequest("the field cmd is missing"))
        }
        guard case .string(let commandText) = cmd else {
            throw RejectedRequest(id: id, error: .invalidRequest("cmd must be a string"))
        }
        guard let name = CommandName(rawValue: commandText) else {
            throw RejectedRequest(id: id, error: .unknownCommand(commandText))
        }
        do throws(JSONShapeError) {
            let arguments = try JSONObjectReader(value)
            self.init(id: id, command: try Self.command(name, arguments))
        } catch {
            throw RejectedRequest(id: id, error: .invalidArguments(field: error.field, reason: error.reason))
        }
    }

    private static func command(_ name: CommandName, _ arguments: JSONObjectReader) throws(JSONShapeError) -> ProtocolCommand {
        switch name {
        case .enqueue:
            let payment = try arguments.object("payment")
            let key = try arguments.optionalString("idempotency_key")
            var request = try PaymentRequest(wirePayment: payment, idempotencyKey: key)
            request.signFirst = try arguments.optionalBool("sign_first") ?? false
            return .enqueue(request)
        case .status: return .status(paymentID: try arguments.paymentID("payment_id"))
        case .retry: return .retry(paymentID: try arguments.paymentID("payment_id"))
        case .retryMint: return .retryMint(paymentID: try arguments.paymentID("payment_id"))
        case .cancel: return .cancel(paymentID: try arguments.paymentID("payment_id"))
        case .refund: return .refund(paymentID: try arguments.paymentID("payment_id"), txHash: try arguments.string("tx_hash"))
        case .stats: return .stats
        case .prices: return try pricesCommand(arguments)
        case .stop: return .stop
        case .ping: return .ping
        case .version: return .version
        case .list: return .list(try listFilter(arguments))
        case .settings: return try settingsCommand(arguments)
        case .watch:
            return .watch(paymentID: arguments.value("payment_id") == nil ? nil : try arguments.paymentID("payment_id"))
        }
    }

    /// The largest `limit` a `list` may ask for, so one response line stays a sane size.
    public static let maximumListLimit = 1000

    private static func listFilter(_ arguments: JSONObjectReader) throws(JSONShapeError) -> PaymentListFilter {
        let status = try arguments.optionalEnumeration("status", PaymentStatus.self)
        let payer = try arguments.optionalString("payer")
        let limit = try arguments.optionalInt("limit") ?? 50
        guard (1...Int64(maximumListLimit)).contains(limit) else {
            throw arguments.error("limit", "must be between 1 and \(maximumListLimit)")
        }
        let olderThan = try arguments.optionalDouble("older_than_seconds")
        if let olderThan, !(olderThan >= 0 && olderThan.isFinite) {
            throw arguments.error("older_than_seconds", "must be a number of seconds, 0 or more")
        }
        let lost = try arguments.optionalBool("settlement_lost") ?? false
        let refundDue = try arguments.optionalBool("refund_due") ?? false
        let nonce = try arguments.optionalString("nonce")
        if let nonce, !HexText.isPrefixed(nonce, digits: 64) {
            throw arguments.error("nonce", "must be an EIP-3009 nonce: 0x and 64 hex digits")
        }
        return PaymentListFilter(status: status, payer: payer, olderThanSeconds: olderThan, settlementLost: lost, refundDue: refundDue,
                                 nonce: nonce, limit: Int(limit))
    }

    private enum SettingsAction: String, CaseIterable {
        case get, set
    }

    private enum PricesAction: String, CaseIterable {
        case get, set, unset
    }

    /// `prices` reads the list; `action` `set` (`product`, `payment_token`, `unit_price`,
    /// `max_quantity`) and `unset` (`product`) change it. Forms are checked here; whether the
    /// product is sold and the token accepted is the engine's.
    private static func pricesCommand(_ arguments: JSONObjectReader) throws(JSONShapeError) -> ProtocolCommand {
        switch try arguments.optionalEnumeration("action", PricesAction.self) ?? .get {
        case .get:
            return .prices
        case .set:
            let product = try priceProduct(arguments)
            let token = try arguments.string("payment_token")
            guard HexText.isPrefixed(token, digits: 40) else { throw arguments.error("payment_token", "must be an address: 0x and 40 hex digits") }
            let unitPrice = try arguments.strictDecimalString("unit_price")
            let maxQuantity = try arguments.int("max_quantity")
            guard (1...1_000_000).contains(maxQuantity) else { throw arguments.error("max_quantity", "must be from 1 to 1000000") }
            return .pricesSet(PriceOverride(product: product, paymentToken: token, unitPrice: unitPrice, maxQuantity: Int(maxQuantity)))
        case .unset:
            return .pricesUnset(product: try priceProduct(arguments))
        }
    }

    private static func priceProduct(_ arguments: JSONObjectReader) throws(JSONShapeError) -> String {
        let product = try arguments.string("product")
        guard product == "deploy" || HexText.isPrefixed(product, digits: 40) else {
            throw arguments.error("product", "must be a mint token's address (0x and 40 hex digits) or deploy")
        }
        return product
    }

    private static func settingsCommand(_ arguments: JSONObjectReader) throws(JSONShapeError) -> ProtocolCommand {
        let action = try arguments.optionalEnumeration("action", SettingsAction.self)
            ?? (arguments.value("key") == nil ? .get : .set)
        switch action {
        case .get:
            return .settingsGet
        case .set:
            let key = try arguments.string("key")
            switch arguments.value("value") {
            case .string(let text): return .settingsSet(key: key, value: text)
            case .int(let integer): return .settingsSet(key: key, value: String(integer))
            case nil: throw arguments.error("value", "is required (a string or an integer)")
            default: throw arguments.error("value", "must be a string or an integer")
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// Without leading and trailing spaces, tabs and carriage returns.
    func trimmingProtocolWhitespace() -> [UInt8] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(self[first...last])
    }
}
