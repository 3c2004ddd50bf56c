import JSON
import PaymentModel

/// The human shorthand of the protocol: a line of words such as `stats` or
/// `status 0b6f1c5e-…` instead of a JSON object, so `echo stats | socat - UNIX-CONNECT:…`
/// works. A bare-word request has no id; its response carries `"id":null`.
enum BareWordCommand {
    /// The words of a line that is a bare-word command: it starts with a lowercase letter, its
    /// first word is letters and underscores only and not a JSON literal, and it is printable
    /// ASCII. Nil means "parse it as JSON".
    static func words(in line: [UInt8]) -> [String]? {
        guard let first = line.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return nil }
        guard line.allSatisfy({ $0 == 0x09 || (0x20...0x7E).contains($0) }) else { return nil }
        let words = String(decoding: line, as: UTF8.self)
            .split(whereSeparator: { $0 == " " || $0 == "\t" })
            .map(String.init)
        guard let command = words.first,
              command.utf8.allSatisfy({ ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }),
              !["true", "false", "null"].contains(command) else { return nil }
        return words
    }

    /// The JSON form's checks for the words of `prices set|unset`.
    private static func pricesJSON(_ fields: [String: JSONValue]) throws(RejectedRequest) -> ProtocolCommand {
        var object = fields
        object["cmd"] = "prices"
        do throws(RejectedRequest) {
            guard let request = try ProtocolRequest.parse(line: JSONWriter.bytes(.object(object))) else {
                throw RejectedRequest(id: .null, error: .invalidArguments(field: "prices", reason: "empty"))
            }
            return request.command
        } catch {
            throw RejectedRequest(id: .null, error: error.error)
        }
    }

    static func command(from words: [String]) throws(RejectedRequest) -> ProtocolCommand {
        let name = words[0]
        let arguments = Array(words.dropFirst())
        func invalid(_ field: String, _ reason: String) -> RejectedRequest {
            RejectedRequest(id: .null, error: .invalidArguments(field: field, reason: reason))
        }
        func noArguments(_ command: ProtocolCommand) throws(RejectedRequest) -> ProtocolCommand {
            guard arguments.isEmpty else { throw invalid(name, "takes no arguments as a bare word") }
            return command
        }
        func paymentID() throws(RejectedRequest) -> String {
            guard arguments.count == 1 else { throw invalid("payment_id", "give exactly one payment id: `\(name) <uuid>`") }
            guard let id = PaymentID.canonical(arguments[0]) else { throw invalid("payment_id", "must be a UUID") }
            return id
        }
        guard let commandName = CommandName(rawValue: name) else {
            throw RejectedRequest(id: .null, error: .unknownCommand(name))
        }
        switch commandName {
        case .ping: return try noArguments(.ping)
        case .version: return try noArguments(.version)
        case .stats: return try noArguments(.stats)
        case .prices:
            switch arguments.first {
            case nil, "get":
                guard arguments.count <= 1 else { throw invalid("prices", "`prices get` takes no further words") }
                return .prices
            case "set":
                guard arguments.count == 5 else { throw invalid("prices", "write `prices set <mint token or deploy> <payment token> <unit price> <max quantity>`") }
                guard let quantity = Int(arguments[4]) else { throw invalid("max_quantity", "must be an integer") }
                return try pricesJSON(["action": "set", "product": .string(arguments[1]), "payment_token": .string(arguments[2]),
                                       "unit_price": .string(arguments[3]), "max_quantity": .int(Int64(quantity))])
            case "unset":
                guard arguments.count == 2 else { throw invalid("prices", "write `prices unset <mint token or deploy>`") }
                return try pricesJSON(["action": "unset", "product": .string(arguments[1])])
            default:
                throw invalid("prices", "`\(arguments[0])` is not get, set or unset")
            }
        case .stop: return try noArguments(.stop)
        case .status: return .status(paymentID: try paymentID())
        case .retry: return .retry(paymentID: try paymentID())
        case .retryMint: return .retryMint(paymentID: try paymentID())
        case .cancel: return .cancel(paymentID: try paymentID())
        case .refund:
            guard arguments.count == 2 else { throw invalid("refund", "write `refund <payment id> <transaction hash>`") }
            guard let id = PaymentID.canonical(arguments[0]) else { throw invalid("payment_id", "must be a UUID") }
            return .refund(paymentID: id, txHash: arguments[1])
        case .watch:
            return arguments.isEmpty ? .watch(paymentID: nil) : .watch(paymentID: try paymentID())
        case .enqueue:
            throw invalid("payment", "enqueue has no bare-word form; send the JSON request")
        case .settings:
            switch arguments.first {
            case nil, "get":
                guard arguments.count <= 1 else { throw invalid("settings", "`settings get` takes no further words") }
                return .settingsGet
            case "set":
                guard arguments.count == 3 else { throw invalid("settings", "write `settings set <key> <value>`") }
                return .settingsSet(key: arguments[1], value: arguments[2])
            default:
                throw invalid("action", "must be get or set")
            }
        case .list:
            var filter = PaymentListFilter()
            for word in arguments {
                if let status = PaymentStatus(rawValue: word) {
                    filter.status = status
                } else if word == "lost" {
                    filter.settlementLost = true
                } else if word == "refund_due" {
                    filter.refundDue = true
                } else if let limit = Int(word), (1...ProtocolRequest.maximumListLimit).contains(limit) {
                    filter.limit = limit
                } else {
                    throw invalid("list", "`\(word)` is neither a status, `lost`, `refund_due`, nor a limit from 1 to \(ProtocolRequest.maximumListLimit)")
                }
            }
            return .list(filter)
        }
    }
}
