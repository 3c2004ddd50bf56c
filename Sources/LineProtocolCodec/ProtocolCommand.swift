import PaymentModel

/// A parsed request's command with its arguments already typed and validated as far as the
/// protocol can (types, UUIDs, enums, ranges); what the arguments mean is the engine's job.
///
/// Exhaustive, so the dispatcher and the client cannot forget a command.
public enum ProtocolCommand: Sendable, Hashable {
    case enqueue(PaymentRequest)
    case status(paymentID: String)
    case stats
    case stop
    case ping
    case version
    case list(PaymentListFilter)
    case retry(paymentID: String)
    /// Requeue a payment's failed mint jobs.
    case retryMint(paymentID: String)
    case cancel(paymentID: String)
    /// Record `txHash`, a transfer back to the payer, as the refund of a paid payment whose
    /// mints cannot be made.
    case refund(paymentID: String, txHash: String)
    case settingsGet
    case settingsSet(key: String, value: String)
    /// Stream state changes; with a payment id, only that payment's.
    case watch(paymentID: String?)
    /// The price list enqueue enforces.
    case prices
    /// Replace a product's price (admin).
    case pricesSet(PriceOverride)
    /// Remove a product's price override (admin).
    case pricesUnset(product: String)

    public var name: CommandName {
        switch self {
        case .enqueue: .enqueue
        case .status: .status
        case .stats: .stats
        case .stop: .stop
        case .ping: .ping
        case .version: .version
        case .list: .list
        case .retry: .retry
        case .retryMint: .retryMint
        case .cancel: .cancel
        case .refund: .refund
        case .settingsGet, .settingsSet: .settings
        case .watch: .watch
        case .prices, .pricesSet, .pricesUnset: .prices
        }
    }

    /// How the command is named in messages, e.g. `settings set`.
    public var displayName: String {
        if case .settingsSet = self { return "settings set" }
        if case .pricesSet = self { return "prices set" }
        if case .pricesUnset = self { return "prices unset" }
        return name.rawValue
    }

    /// Admin commands run only for permitted peer uids (see `AdminPolicy`).
    public var requiresAdmin: Bool {
        switch self {
        case .stop, .settingsSet, .retry, .retryMint, .cancel, .refund, .pricesSet, .pricesUnset: true
        case .enqueue, .status, .stats, .ping, .version, .list, .settingsGet, .watch, .prices: false
        }
    }

    /// Whether the command changes state; such commands are refused once shutdown began, and
    /// on one connection they never overlap with the requests around them.
    public var changesState: Bool {
        switch self {
        case .enqueue, .stop, .settingsSet, .retry, .retryMint, .cancel, .refund, .pricesSet, .pricesUnset: true
        case .status, .stats, .ping, .version, .list, .settingsGet, .watch, .prices: false
        }
    }
}
