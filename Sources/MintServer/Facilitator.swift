import Ethereum
import JSON
import LineProtocolClient
import PaymentModel
import X402

/// x402's facilitator API over paymentd: `/supported`, `/verify`, `/settle`, both versions.
///
/// What it adds to what other facilitators offer is paymentd's: a settle is persisted before it
/// is broadcast, is exactly-once per authorization (a repeated `/settle` names the same payment
/// and returns the same transaction), and a slow confirmation is answered `settlement_pending`
/// with the transaction, so a resource server asks again instead of failing a paid buyer. A
/// settle's payment is signed ahead of paymentd's queue, and the answer waits for its hash (up
/// to `settle_signature_deadline_seconds`): the SDK's resource servers repeat a pending settle
/// only when it names a transaction, and otherwise ask the buyer to pay again. It
/// settles only to the configured receiver, in products paymentd sells (each settle buys
/// `amount / unit price` items of the facilitator's mint token for the payer): not an open relayer.
public struct Facilitator: Sendable {
    private let configuration: MintServerConfiguration
    private let verifier: AuthorizationVerifier
    private let prices: PriceList
    private let submitter: PaymentSubmitter
    private let waiter: SettlementWaiter
    private let memory = SettleMemory()

    public init(configuration: MintServerConfiguration, prices: PriceList, submitter: PaymentSubmitter, waiter: SettlementWaiter) {
        self.configuration = configuration
        self.verifier = AuthorizationVerifier(network: configuration.network, payTo: configuration.payTo,
                                              domainName: configuration.domainName, domainVersion: configuration.domainVersion)
        self.prices = prices
        self.submitter = submitter
        self.waiter = waiter
    }

    /// Each network listed literally: a wildcard makes SDK resource servers fail later.
    public var supported: JSONValue {
        let network = configuration.network
        return ["kinds": [["x402Version": 1, "scheme": "exact", "network": .string(network.v1Name)],
                          ["x402Version": 2, "scheme": "exact", "network": .string(network.caip2)]],
                "extensions": [.string(PaymentIdentifier.key)], "signers": [:]]
    }

    public func verify(body: [UInt8]) async -> VerifyResponse {
        let request: FacilitatorRequest
        do throws(X402PayloadError) {
            request = try FacilitatorRequest(body: body)
        } catch {
            return VerifyResponse(isValid: false, invalidReason: error.code, invalidMessage: error.description, payer: nil)
        }
        let payer = request.paymentPayload.payer
        switch await purchase(for: request) {
        case .success:
            return VerifyResponse(isValid: true, payer: payer)
        case .failure(let rejection):
            return VerifyResponse(isValid: false, invalidReason: rejection.reason, invalidMessage: rejection.message, payer: payer)
        }
    }

    public func settle(body: [UInt8]) async -> SettlementResponse {
        let request: FacilitatorRequest
        do throws(X402PayloadError) {
            request = try FacilitatorRequest(body: body)
        } catch {
            return SettlementResponse(success: false, errorReason: error.code, transaction: "", network: configuration.network.caip2, payer: nil)
        }
        let payment = request.paymentPayload
        let network = request.paymentRequirements.network
        func answer(_ success: Bool, _ reason: X402ErrorReason?, _ transaction: String?) -> SettlementResponse {
            SettlementResponse(success: success, errorReason: reason?.rawValue, transaction: transaction ?? "", network: network, payer: payment.payer)
        }
        let purchase: Purchase
        switch await self.purchase(for: request) {
        case .success(let found): purchase = found
        case .failure(let rejection):
            return SettlementResponse(success: false, errorReason: rejection.reason, transaction: "", network: network, payer: payment.payer)
        }
        let key = payment.idempotencyKey(asset: purchase.price.paymentToken)
        // The transaction this process already named for this payment is still its transaction.
        let remembered = await memory.answer(for: key).map { answer($0.completed, $0.completed ? nil : .settlementPending, $0.transaction) }
        switch await submitter.submit(payment, purchase: purchase, recipient: payment.payer, signFirst: true) {
        case .accepted(let result):
            switch await waiter.outcome(of: result.paymentID, within: .seconds(configuration.settleDeadlineSeconds),
                                        signature: .seconds(configuration.settleSignatureDeadlineSeconds)) {
            case .completed(let snapshot):
                await memory.remember(key, transaction: snapshot.txHash, completed: true)
                return answer(true, nil, snapshot.txHash)
            case .failed(let snapshot): return answer(false, .transactionFailed, snapshot.txHash)
            case .pending(let snapshot):
                if let hash = snapshot?.txHash {
                    await memory.remember(key, transaction: hash, completed: false)
                    return answer(false, .settlementPending, hash)
                }
                return remembered ?? answer(false, .settlementPending, nil)
            }
        case .refused(let rejection):
            return SettlementResponse(success: false, errorReason: rejection.reason, transaction: "", network: network, payer: payment.payer)
        case .invalidRequest(let reason, _):
            return SettlementResponse(success: false, errorReason: reason, transaction: "", network: network, payer: payment.payer)
        case .conflict:
            return answer(false, .duplicateSettlement, nil)
        case .tooManyPending:
            return answer(false, .tooManyPending, nil)
        case .soldOut:
            return answer(false, .soldOut, nil)
        case .unavailable(_, let mayHaveRun):
            if let remembered { return remembered }
            // A request that may have been queued is pending, so the caller sends the same one again.
            return answer(false, mayHaveRun ? .settlementPending : .unavailable, nil)
        }
    }

    /// What became of the authorization `nonce` of `payer` (`GET <prefix>/settlement/<payer>/<nonce>`):
    /// a settle answer for its payment with `paymentId` and `status` beside it, so a resource
    /// server that lost a `/settle` answer can look instead of settling again. Nil when no
    /// payment holds that authorization; a paymentd that cannot be asked throws.
    public func settlement(payer: String, nonce: String) async throws(PaymentdClientError) -> JSONValue? {
        let payments = try await submitter.client.list(PaymentListFilter(payer: payer, nonce: nonce, limit: 10))
        guard let payment = payments.first else { return nil }
        let reason: X402ErrorReason? = switch payment.status {
        case .completed: nil
        case .failed, .confirmationFailed: .transactionFailed
        case .pending, .processing, .sent: .settlementPending
        }
        var answer = SettlementResponse(success: reason == nil, errorReason: reason?.rawValue, transaction: payment.txHash ?? "",
                                        network: configuration.network.caip2, payer: payment.payer).wire.objectValue ?? [:]
        answer["paymentId"] = .string(payment.paymentID)
        answer["status"] = .string(payment.status.rawValue)
        answer["statusUrl"] = .string("/api/payment/\(payment.paymentID)")
        return .object(answer)
    }

    /// The purchase `request` pays for, or why it pays for nothing.
    private func purchase(for request: FacilitatorRequest) async -> Result<Purchase, X402Rejection> {
        if let rejection = verifier.rejection(of: request.paymentPayload, for: request.paymentRequirements) {
            return .failure(rejection)
        }
        let requirements = request.paymentRequirements
        let list: [Price]
        do throws(PaymentdClientError) {
            list = try await prices.prices()
        } catch {
            return .failure(X402Rejection(.unavailable, "paymentd's price list is unavailable: \(error.description)"))
        }
        let asset = requirements.asset.lowercased()
        let candidates = list.filter { price in
            price.type == .mint && price.paymentToken.lowercased() == asset
                && (configuration.facilitatorToken.map { $0.lowercased() == price.token?.lowercased() } ?? true)
        }
        guard !candidates.isEmpty else {
            return .failure(X402Rejection(.requirementsMismatch, "Nothing is sold here for \(requirements.asset)."))
        }
        guard candidates.count == 1 else {
            return .failure(X402Rejection(.requirementsMismatch, "Several mint tokens are sold for \(requirements.asset); configure facilitator_token."))
        }
        guard let amount = UInt256(decimal: requirements.amount), let purchase = Purchase(price: candidates[0], paying: amount) else {
            return .failure(X402Rejection(.authorizationValue, "The amount \(requirements.amount) is not a whole number of items at "
                + "\(candidates[0].unitPrice) each (1 to \(candidates[0].maxQuantity))."))
        }
        return .success(purchase)
    }
}
