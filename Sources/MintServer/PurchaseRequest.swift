import Ethereum
import JSON

/// The body of a paid route, read once: `quantity` (1 by default), an optional `recipient` of
/// the tokens (the payer by default) and, on `/api/x402-batch-mint`, the token (`tokenAddress`
/// or `token`; the only token sold by default).
public struct PurchaseRequest: Sendable, Equatable {
    public var quantity: Int
    public var recipient: String?
    public var token: String?

    /// Reads a body (empty means `{}`); the error is the 400's `(error, message)`.
    public init(body: [UInt8]) throws(PurchaseRequestError) {
        let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let value: JSONValue
        if trimmed.isEmpty {
            value = [:]
        } else {
            do throws(JSONSyntaxError) {
                value = try StrictJSONParser.parse(Array(trimmed))
            } catch {
                throw PurchaseRequestError(error: "Invalid request body", message: "The body must be a JSON object: \(error).")
            }
        }
        guard value.objectValue != nil else { throw PurchaseRequestError(error: "Invalid request body", message: "The body must be a JSON object.") }
        switch value["quantity"] {
        case nil, .null?: quantity = 1
        case .int(let number)?: quantity = Int(clamping: number)
        case .string(let text)?:
            guard let number = Int(text) else { throw Self.badQuantity }
            quantity = number
        case .double(let number)? where number == number.rounded() && abs(number) < 1e9: quantity = Int(number)
        default: throw Self.badQuantity
        }
        recipient = try Self.address(value["recipient"], "recipient")
        token = try Self.address(value["tokenAddress"] ?? value["token"], "tokenAddress")
    }

    static let badQuantity = PurchaseRequestError(error: "Invalid quantity", message: "quantity must be an integer from 1 to 10.")

    private static func address(_ value: JSONValue?, _ name: String) throws(PurchaseRequestError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, let address = try? Address(hex: text) else {
            throw PurchaseRequestError(error: "Invalid \(name)", message: "\(name) must be an address (0x and 40 hex digits).")
        }
        return address.checksummed
    }
}

/// A paid route's body that cannot be used: the 400's `error` and `message`.
public struct PurchaseRequestError: Error, Equatable, Sendable {
    public var error: String
    public var message: String
}
