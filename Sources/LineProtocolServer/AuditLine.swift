import LineProtocolCodec
import Logging

/// What the journal keeps of an admin command: who asked (the peer's uid and pid, from the
/// kernel), what (the command and its arguments), and how it ended (`ok` or the error code).
///
/// Why it exists: `cancel`, `retry`, `refund` and `settings set` change money and behaviour;
/// an operator reading the journal after an incident must see every one of them, accepted or
/// refused, with its caller. Arguments are ids, keys and values, never secrets (the protocol
/// carries none in admin commands).
enum AuditLine {
    /// The arguments of `command` worth keeping, as log metadata.
    static func arguments(of command: ProtocolCommand) -> Logger.Metadata {
        switch command {
        case .retry(let id), .retryMint(let id), .cancel(let id):
            return ["payment_id": "\(id)"]
        case .refund(let id, let txHash):
            return ["payment_id": "\(id)", "tx_hash": "\(txHash)"]
        case .settingsSet(let key, let value):
            return ["key": "\(key)", "value": "\(value)"]
        case .pricesSet(let price):
            return ["product": "\(price.product)", "payment_token": "\(price.paymentToken)", "unit_price": "\(price.unitPrice)",
                    "max_quantity": "\(price.maxQuantity)"]
        case .pricesUnset(let product):
            return ["product": "\(product)"]
        case .stop, .enqueue, .status, .stats, .ping, .version, .list, .settingsGet, .watch, .prices:
            return [:]
        }
    }

    /// `ok`, or the error code the command was answered with.
    static func outcome(of response: ProtocolResponse) -> String {
        switch response.outcome {
        case .success: "ok"
        case .failure(let error): error.code
        }
    }
}
