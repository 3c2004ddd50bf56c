import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import X402

/// The paid routes' logic, apart from HTTP: from a route, its token, body and payment header
/// to a `CheckoutAnswer`.
///
/// The order is the seed's: the body (quantity 1–max) and the product first, since the price
/// depends on them; then no payment → a 402 for both client generations; a malformed payment →
/// 400; a payment for something else → 402 with the reason; else paymentd's enqueue under the
/// authorization's idempotency key, answered at once (`async`) or once settled (`settle`). A
/// payment that is queued is never answered with a 402 until paymentd says it failed for good.
public struct Checkout: Sendable {
    /// A payment header as it came: `X-PAYMENT` (v1) or `PAYMENT-SIGNATURE` (v2).
    public struct PaymentHeader: Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private let configuration: MintServerConfiguration
    private let challenges: ChallengeFactory
    private let check: PaymentCheck
    private let prices: PriceList
    private let submitter: PaymentSubmitter
    private let waiter: SettlementWaiter

    public init(configuration: MintServerConfiguration, prices: PriceList, submitter: PaymentSubmitter, waiter: SettlementWaiter) {
        self.configuration = configuration
        self.challenges = ChallengeFactory(configuration)
        self.check = PaymentCheck(network: configuration.network)
        self.prices = prices
        self.submitter = submitter
        self.waiter = waiter
    }

    /// `token` is the path's address (`/api/mint/:address`), nil on `/api/x402-batch-mint`;
    /// `host` the request's Host header, the resource URL's host when `public_url` is unset.
    public func buy(route: ResourceRoute, token: String?, path: String, host: String?, body: [UInt8],
                    payment header: PaymentHeader?) async -> CheckoutAnswer {
        let request: PurchaseRequest
        do throws(PurchaseRequestError) {
            request = try PurchaseRequest(body: body)
        } catch {
            return .badRequest(error: error.error, message: error.message)
        }
        let price: Price
        do throws(PaymentdClientError) {
            let found = if let token = token ?? request.token {
                try await prices.mintPrice(token: token)
            } else {
                try await prices.defaultMintPrice(preferred: nil)
            }
            guard let found else {
                if token == nil && request.token == nil {
                    return .badRequest(error: "Token required", message: "Name the token to mint (tokenAddress): several or none are sold here.")
                }
                return .notFound(error: "Token not found", message: "\(token ?? request.token ?? "") is not sold here.")
            }
            price = found
        } catch {
            return .unavailable(message: "paymentd's price list is unavailable (\(error.code)); retry shortly.")
        }
        guard (1...price.maxQuantity).contains(request.quantity), let purchase = Purchase(price: price, quantity: request.quantity) else {
            return .badRequest(error: "Invalid quantity", message: "quantity must be an integer from 1 to \(price.maxQuantity).")
        }
        let base = configuration.publicURL == nil ? host.map { "http://\($0)" } ?? configuration.baseURL : configuration.baseURL
        let resource = ResourceInfo(url: base + path,
                                    description: "Mint \(purchase.quantity) × \(price.token ?? "token") for \(purchase.amountText) atomic units of \(price.paymentToken)",
                                    mimeType: "application/json")
        guard let header else {
            // Not offered when it cannot be served: a 402 would have the buyer sign for nothing.
            // (With a payment sent, paymentd's enqueue decides, on the current count.)
            if let available = price.availableItems, available < Int64(purchase.quantity) {
                return .soldOut(message: "\(price.token ?? "This product") is sold out for this purchase: \(purchase.quantity) items asked, "
                    + "\(available) left once the purchases already paid for are served. Nothing was charged; do not sign a payment for it.",
                                receipt: nil)
            }
            return .paymentRequired(challenges.challenge(for: purchase, resource: resource), receipt: nil)
        }

        let payment: PaymentPayload
        do throws(X402PayloadError) {
            payment = try PaymentPayload(header: header.value, name: header.name)
        } catch {
            return .badRequest(error: error.code, message: "The \(header.name) header is not a valid x402 payment: \(error.description)")
        }
        if configuration.paymentIdentifierRequired, payment.x402Version == 2, payment.paymentIdentifier == nil {
            return .badRequest(error: X402ErrorReason.invalidPayload.rawValue,
                               message: "This server requires a payment-identifier: send extensions[\"payment-identifier\"].info.id (16 to 128 "
                                + "characters of letters, digits, - and _), one id per purchase, the same id on every retry of it.")
        }
        let offered = challenges.requirements(for: purchase, resource: resource, version: 2)
        if let rejection = check.rejection(of: payment, offered: offered) {
            return .paymentRequired(challenges.challenge(for: purchase, resource: resource, rejection: rejection),
                                    receipt: receipt(payment, success: false, reason: rejection.reason, transaction: nil))
        }
        let recipient = request.recipient ?? payment.payer
        var purchaseKey: String?
        if configuration.purchaseKeyWindowSeconds > 0, payment.paymentIdentifier == nil {
            let key = PurchaseKey.of(payer: payment.payer, route: route, token: price.token, quantity: purchase.quantity, recipient: recipient)
            let keys = PurchaseKey(client: submitter.client, window: configuration.purchaseKeyWindowSeconds)
            if let earlier = await keys.earlier(key: key, payer: payment.payer, now: Date().timeIntervalSince1970) {
                // The same purchase, paid moments ago: its answer, and this authorization is never settled.
                return await answer(EnqueueResult(paymentID: earlier.paymentID, status: earlier.status, duplicate: true), payment: payment,
                                    purchase: purchase, resource: resource, base: base,
                                    mode: configuration.answerMode(for: route, version: payment.x402Version))
            }
            purchaseKey = key
        }
        switch await submitter.submit(payment, purchase: purchase, recipient: recipient, purchaseKey: purchaseKey) {
        case .accepted(let result):
            return await answer(result, payment: payment, purchase: purchase, resource: resource, base: base,
                                mode: configuration.answerMode(for: route, version: payment.x402Version))
        case .refused(let rejection):
            return .paymentRequired(challenges.challenge(for: purchase, resource: resource, rejection: rejection),
                                    receipt: receipt(payment, success: false, reason: rejection.reason, transaction: nil))
        case .invalidRequest(let reason, let message):
            return .badRequest(error: reason, message: message)
        case .conflict(let message):
            let explained = payment.paymentIdentifier.map { id in
                "Payment identifier \(id) already names a purchase paid with another authorization; this one is not settled "
                    + "(nothing is charged for it). Send the first payment again to learn its outcome. (\(message))"
            } ?? message
            return .conflict(message: explained, receipt: receipt(payment, success: false, reason: X402ErrorReason.duplicateSettlement.rawValue, transaction: nil))
        case .tooManyPending(let count, let message):
            return .tooManyPending(count: count, message: message)
        case .soldOut(let message):
            return .soldOut(message: message, receipt: receipt(payment, success: false, reason: X402ErrorReason.soldOut.rawValue, transaction: nil))
        case .unavailable(let message, _):
            return .unavailable(message: message)
        }
    }

    /// A queued payment's answer: settled, failed for good, or pending, per the route's mode.
    /// `base`: where buyers reach this server (the resource URL's start), for the status URL.
    private func answer(_ result: EnqueueResult, payment: PaymentPayload, purchase: Purchase, resource: ResourceInfo,
                        base: String, mode: AnswerMode) async -> CheckoutAnswer {
        let outcome: SettlementWaiter.Outcome
        switch (mode, result.status.isTerminal) {
        case (.settle, _):
            outcome = await waiter.outcome(of: result.paymentID, within: .seconds(configuration.settleDeadlineSeconds))
        case (.async, true):
            // A buyer sending a payment again that has already finished: say how it ended.
            outcome = await waiter.outcome(of: result.paymentID, within: .zero)
        case (.async, false):
            // A retry of a payment under way: its transaction may be known by now.
            outcome = result.duplicate ? await waiter.outcome(of: result.paymentID, within: .zero) : .pending(nil)
        }
        let statusURL = base + "/api/payment/\(result.paymentID)"
        func state(_ snapshot: PaymentSnapshot?, success: Bool, reason: X402ErrorReason?) -> CheckoutAnswer.PurchaseState {
            let status = snapshot?.status ?? result.status
            // Where to follow it, in the receipt too: a client that reads only the receipt sees a
            // payment under way, not an unpaid one.
            let following: JSONValue = ["info": ["paymentId": .string(result.paymentID), "statusUrl": .string(statusURL),
                                                 "state": .string(status.rawValue), "transaction": snapshot?.txHash.map(JSONValue.string) ?? .null]]
            return CheckoutAnswer.PurchaseState(
                paymentID: result.paymentID, status: status, quantity: purchase.quantity, payer: payment.payer,
                txHash: snapshot?.txHash, duplicate: result.duplicate,
                receipt: receipt(payment, success: success, reason: reason?.rawValue, transaction: snapshot?.txHash,
                                 extra: [Self.statusExtension: following]),
                statusURL: statusURL)
        }
        switch outcome {
        case .completed(let snapshot):
            return .settled(state(snapshot, success: true, reason: nil))
        case .pending(let snapshot):
            return .accepted(state(snapshot, success: false, reason: .settlementPending))
        case .failed(let snapshot):
            // Not "nothing was charged": paymentd's attempt ended, but until the authorization
            // expires anyone may still relay it, and then the purchase is served after all.
            let rejection = X402Rejection(.transactionFailed, "Payment \(result.paymentID) did not settle: "
                + "\(snapshot.error ?? snapshot.status.rawValue). Nothing has been charged for it so far; if its authorization is "
                + "still used before it expires, the purchase is completed and served. Sign a new authorization to pay again.")
            return .paymentRequired(challenges.challenge(for: purchase, resource: resource, rejection: rejection),
                                    receipt: receipt(payment, success: false, reason: rejection.reason, transaction: snapshot.txHash))
        }
    }

    /// The receipt extension naming where a queued payment is followed.
    static let statusExtension = "payment-status"

    private func receipt(_ payment: PaymentPayload, success: Bool, reason: String?, transaction: String?,
                         extra: [String: JSONValue] = [:]) -> CheckoutAnswer.Receipt {
        var extensions = Self.echoedIdentifier(payment)?.objectValue ?? [:]
        extensions.merge(extra) { $1 }
        return CheckoutAnswer.Receipt(
            headerName: X402Headers.receipt(version: payment.x402Version),
            response: SettlementResponse(success: success, errorReason: reason, transaction: transaction ?? "",
                                         network: configuration.network.name(version: payment.x402Version), payer: payment.payer,
                                         extensions: extensions.isEmpty ? nil : .object(extensions)))
    }

    /// The buyer's payment identifier, echoed in his receipt.
    static func echoedIdentifier(_ payment: PaymentPayload) -> JSONValue? {
        payment.paymentIdentifier.map { [PaymentIdentifier.key: ["info": ["id": .string($0)]]] }
    }
}
