import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore

/// A request that passed every check that needs no chain: the signature recovers `from`, the
/// money goes to our receiver, the value is the price list's price, the window leaves time to
/// settle.
struct CheckedPayment: Sendable {
    var transfer: TransferWithAuthorization
    var signature: EthereumSignature
    var token: PaymentTokenConfiguration
    var row: NewPayment
}

/// The offline half of enqueue validation (the chain half, `authorizationState`, is the
/// engine's). Each refusal is a typed `PaymentError`; nothing is written for a refused request.
struct AuthorizationCheck: Sendable {
    let configuration: EngineConfiguration

    func check(_ request: PaymentRequest, settings: EngineSettings, prices: PriceList, now: Date) throws(PaymentError) -> CheckedPayment {
        let auth = request.authorization
        let paymentTokenAddress = try address(request.paymentToken, field: "payment.payment_token")
        guard let token = configuration.paymentToken(paymentTokenAddress) else {
            throw .tokenNotAllowed(paymentTokenAddress.checksummed)
        }
        var mintToken: Address?
        if let text = request.token, !text.isEmpty {
            mintToken = try address(text, field: "payment.token")
        }
        guard let product = Product(type: request.type, mintToken: mintToken) else {
            throw .invalidRequest(field: "payment.token", reason: "a mint payment must name the token to mint")
        }
        // Something not sold here is refused before the rest of the request is looked at.
        _ = try prices.sold(product)
        let from = try address(auth.from, field: "authorization.from")
        let to = try address(auth.to, field: "authorization.to")
        let value = try number(auth.value, field: "authorization.value")
        let amount = try number(request.amount, field: "payment.amount")
        let validAfter = try number(auth.validAfter, field: "authorization.validAfter")
        let validBefore = try number(auth.validBefore, field: "authorization.validBefore")
        let nonce: Bytes32
        do {
            nonce = try Bytes32(hex: auth.nonce)
        } catch {
            throw .invalidRequest(field: "authorization.nonce", reason: "must be 0x followed by 64 hex digits")
        }
        guard to == configuration.receiver else {
            throw .recipientMismatch(to: to.checksummed, expected: configuration.receiver.checksummed)
        }
        guard value == amount else { throw .valueMismatch(value: value.description, amount: amount.description) }
        guard !value.isZero else { throw .invalidRequest(field: "authorization.value", reason: "must be greater than zero") }

        let nowSeconds = UInt256(UInt64(max(0, now.timeIntervalSince1970)))
        guard validAfter <= nowSeconds else { throw .authorizationNotYetValid(validAfter: validAfter.description) }
        let (deadline, overflow) = nowSeconds.addingReportingOverflow(UInt256(UInt64(settings.minValiditySeconds)))
        guard !overflow, validBefore > deadline else {
            throw .authorizationExpiring(validBefore: validBefore.description, minimumSeconds: settings.minValiditySeconds)
        }

        let signature = try parseSignature(auth)
        let transfer = TransferWithAuthorization(from: from, to: to, value: value, validAfter: validAfter, validBefore: validBefore, nonce: nonce)
        let signer: Address
        do {
            signer = try transfer.recoverSigner(signature: signature, domain: configuration.domain(for: token))
        } catch {
            throw .invalidSignature(error.description)
        }
        guard signer == from else { throw .signerMismatch(recovered: signer.checksummed, from: from.checksummed) }

        let (metadata, quantity) = try checkMetadata(request, payer: from)
        try prices.check(product, paymentToken: paymentTokenAddress, quantity: quantity, amount: amount)
        if let key = request.idempotencyKey {
            guard !key.isEmpty, key.count <= 128 else { throw .invalidRequest(field: "idempotency_key", reason: "must be 1 to 128 characters") }
            guard StorableText.isStorable(key) else { throw .invalidRequest(field: "idempotency_key", reason: StorableText.reason) }
        }
        if let path = StorableText.unstorablePath(in: metadata, at: "payment.metadata") {
            throw .invalidRequest(field: path, reason: StorableText.reason)
        }
        // Store the authorization the way the replaced system did, with normalised spellings.
        var stored = auth
        stored.from = from.checksummed
        stored.to = to.checksummed
        stored.value = value.description
        stored.validAfter = validAfter.description
        stored.validBefore = validBefore.description
        stored.nonce = nonce.hex
        if auth.signature != nil {
            stored.signature = signature.hex
        } else {
            stored.v = String(signature.v)
            stored.r = signature.r.hex
            stored.s = signature.s.hex
        }
        var row = NewPayment(type: request.type, token: mintToken, transfer: transfer, authorization: stored, amount: amount,
                             paymentToken: token.address, metadata: metadata, idempotencyKey: request.idempotencyKey)
        row.signFirst = request.signFirst
        return CheckedPayment(transfer: transfer, signature: signature, token: token, row: row)
    }

    private func parseSignature(_ auth: AuthorizationPayload) throws(PaymentError) -> EthereumSignature {
        do {
            guard let signature = try auth.parsedSignature() else {
                throw PaymentError.invalidRequest(field: "authorization.signature", reason: "give either signature or all of v, r and s")
            }
            return signature
        } catch let error as PaymentError {
            throw error
        } catch let error as EthereumError {
            if error.code == "high_s_signature" { throw .highSSignature }
            throw .invalidSignature(error.description)
        } catch {
            throw .invalidSignature("\(error)")
        }
    }

    /// The metadata as stored (quantity and recipient normalised) and the quantity bought: a
    /// mint's `metadata.quantity` (default 1), always 1 for a deploy.
    private func checkMetadata(_ request: PaymentRequest, payer: Address) throws(PaymentError) -> (JSONValue, quantity: Int64) {
        guard case .object(var fields) = request.metadata else {
            throw .invalidRequest(field: "payment.metadata", reason: "must be a JSON object")
        }
        var quantity: Int64 = 1
        if request.type == .mint {
            switch fields["quantity"] {
            case nil, .some(.null): quantity = 1
            case .some(let value):
                guard let n = value.intValue else {
                    throw .invalidRequest(field: "payment.metadata.quantity", reason: "must be an integer")
                }
                quantity = n
            }
            fields["quantity"] = .int(quantity)
            if let recipient = fields["recipient"], !recipient.isNull {
                guard let text = recipient.stringValue else {
                    throw .invalidRequest(field: "payment.metadata.recipient", reason: "must be an address string")
                }
                let recipient = try address(text, field: "payment.metadata.recipient")
                guard recipient != .zero else {
                    throw .invalidRequest(field: "payment.metadata.recipient", reason: "tokens cannot be minted to the zero address")
                }
                fields["recipient"] = .string(recipient.checksummed)
            }
        }
        return (.object(fields), quantity)
    }

    private func address(_ text: String, field: String) throws(PaymentError) -> Address {
        do {
            return try Address(hex: text)
        } catch {
            throw .invalidRequest(field: field, reason: error.description)
        }
    }

    private func number(_ text: String, field: String) throws(PaymentError) -> UInt256 {
        guard let n = UInt256(decimal: text) else {
            throw .invalidRequest(field: field, reason: "must be a decimal integer below 2^256, as a string")
        }
        return n
    }
}
