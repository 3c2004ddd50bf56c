import Ethereum
import JSON
import PaymentModel

/// A buyer's payment: the decoded `X-PAYMENT` (version 1) or `PAYMENT-SIGNATURE` (version 2)
/// header, or the `paymentPayload` of a facilitator request, for the `exact` scheme on EVM
/// (an EIP-3009 authorization and its signature).
///
/// Decoding checks every field's form and names the field at fault, so a malformed payment
/// is refused with a precise reason before it reaches paymentd; whether it *pays* is decided
/// against the requirements and by paymentd.
public struct PaymentPayload: Sendable, Hashable {
    public var x402Version: Int
    /// Version 1's top-level `scheme` and `network`; version 2's come from `accepted`.
    public var scheme: String
    public var network: String
    /// Version 2: the requirements the buyer chose, echoed.
    public var accepted: PaymentRequirements?
    /// `from`, `to`, `value`, `validAfter`, `validBefore`, `nonce` and the 65-byte `signature`.
    public var authorization: AuthorizationPayload
    /// Version 2: the resource the buyer paid for and the extensions he sent (echoed from the
    /// 402, plus his own data such as a payment identifier), as sent.
    public var resource: JSONValue?
    public var extensions: JSONValue?
    /// The `payment-identifier` extension's id, when the buyer sent one.
    public var paymentIdentifier: String?

    public init(x402Version: Int, scheme: String, network: String, accepted: PaymentRequirements?, authorization: AuthorizationPayload,
                resource: JSONValue? = nil, extensions: JSONValue? = nil, paymentIdentifier: String? = nil) {
        self.resource = resource
        self.extensions = extensions
        self.paymentIdentifier = paymentIdentifier
        self.x402Version = x402Version
        self.scheme = scheme
        self.network = network
        self.accepted = accepted
        self.authorization = authorization
    }

    /// Decodes a request header (`name` is used in messages).
    public init(header: String, name: String) throws(X402PayloadError) {
        try self.init(wire: try Base64JSON.decode(header, name: name), path: "")
    }

    /// Reads a payment object; `path` prefixes field names in errors (`paymentPayload`).
    public init(wire value: JSONValue, path: String = "paymentPayload") throws(X402PayloadError) {
        func at(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        guard let version = value["x402Version"]?.intValue else {
            throw X402PayloadError(field: at("x402Version"), message: "is missing or not an integer")
        }
        guard version == 1 || version == 2 else {
            throw X402PayloadError(code: X402ErrorReason.unsupportedVersion.rawValue, field: at("x402Version"),
                                   message: "x402 version \(version) is not supported (1 and 2 are)")
        }
        x402Version = Int(version)
        if version == 1 {
            guard let scheme = value["scheme"]?.stringValue else { throw X402PayloadError(field: at("scheme"), message: "is missing") }
            guard let network = value["network"]?.stringValue else { throw X402PayloadError(field: at("network"), message: "is missing") }
            self.scheme = scheme
            self.network = network
            accepted = nil
        } else {
            guard let echoed = value["accepted"] else {
                throw X402PayloadError(field: at("accepted"), message: "is missing: a version 2 payment echoes the requirements it pays")
            }
            let accepted = try PaymentRequirements(wire: echoed, version: 2, path: at("accepted"))
            self.accepted = accepted
            scheme = accepted.scheme
            network = accepted.network
        }
        for key in ["resource", "extensions"] {
            if let value = value[key], value != .null, value.objectValue == nil {
                throw X402PayloadError(field: at(key), message: "must be an object")
            }
        }
        resource = version == 2 ? value["resource"].flatMap { $0 == .null ? nil : $0 } : nil
        extensions = version == 2 ? value["extensions"].flatMap { $0 == .null ? nil : $0 } : nil
        paymentIdentifier = try PaymentIdentifier.id(in: extensions, path: at("extensions"))
        guard let payload = value["payload"], payload.objectValue != nil else {
            throw X402PayloadError(field: at("payload"), message: "is missing or not an object")
        }
        authorization = try Self.authorization(payload, path: at("payload"))
    }

    /// The JSON a buyer sends.
    public var wire: JSONValue {
        let authorizationFields: [String: JSONValue] = [
            "from": .string(authorization.from), "to": .string(authorization.to), "value": .string(authorization.value),
            "validAfter": .string(authorization.validAfter), "validBefore": .string(authorization.validBefore),
            "nonce": .string(authorization.nonce),
        ]
        var fields: [String: JSONValue] = [
            "x402Version": .int(Int64(x402Version)),
            "payload": ["signature": .string(authorization.signature ?? ""), "authorization": .object(authorizationFields)],
        ]
        if x402Version == 1 {
            fields["scheme"] = .string(scheme)
            fields["network"] = .string(network)
        } else if let accepted {
            fields["accepted"] = accepted.wire(version: 2)
            if let resource { fields["resource"] = resource }
            if let extensions { fields["extensions"] = extensions }
        }
        return .object(fields)
    }

    /// The header value: base64 of `wire`.
    public var headerValue: String { Base64JSON.encode(wire) }

    /// The payer, as written.
    public var payer: String { authorization.from }

    /// `x402:<payer>:<keccak256("<asset>:<nonce>")>` in lowercase: one authorization names one
    /// payment, whether it arrives at a resource route, again on a buyer's retry, or at the
    /// facilitator's `/settle`. The asset is part of it: an EIP-3009 nonce is the token's, so the
    /// same payer and nonce in two tokens are two authorizations (`asset`: the token the purchase
    /// is paid in). Asset and nonce are digested so the key stays within paymentd's 128
    /// characters (114 here).
    ///
    /// With a `payment-identifier`, `x402-id:<payer>:<keccak256(id)>` (117 characters): the
    /// purchase, not the authorization, names the payment, so a re-signed payload under the same
    /// id is refused (paymentd's `idempotency_key_conflict`) and its authorization never settled.
    /// It is the payer's: nobody else's id can block his.
    public func idempotencyKey(asset: String) -> String {
        if let paymentIdentifier {
            return "x402-id:\(authorization.from.lowercased()):\(Bytes32.keccak256(Array(paymentIdentifier.utf8)).hex)"
        }
        let authorizationID = Bytes32.keccak256(Array("\(asset.lowercased()):\(authorization.nonce.lowercased())".utf8))
        return "x402:\(authorization.from.lowercased()):\(authorizationID.hex)"
    }

    private static func authorization(_ payload: JSONValue, path: String) throws(X402PayloadError) -> AuthorizationPayload {
        guard let fields = payload["authorization"]?.objectValue else {
            throw X402PayloadError(field: path + ".authorization", message: "is missing or not an object")
        }
        let at = path + ".authorization."
        func text(_ key: String) throws(X402PayloadError) -> String {
            switch fields[key] {
            case .string(let text)?: return text
            case .int(let number)? where number >= 0: return String(number)
            case nil: throw X402PayloadError(field: at + key, message: "is missing")
            default: throw X402PayloadError(field: at + key, message: "must be a string")
            }
        }
        let from = try text("from"), to = try text("to")
        for (key, address) in [("from", from), ("to", to)] where !DecimalText.isHex(address, digits: 40) {
            throw X402PayloadError(field: at + key, message: "must be an address: 0x and 40 hex digits")
        }
        let value = try text("value"), validAfter = try text("validAfter"), validBefore = try text("validBefore")
        for (key, number) in [("value", value), ("validAfter", validAfter), ("validBefore", validBefore)] where !DecimalText.isUnsigned(number) {
            throw X402PayloadError(field: at + key, message: "must be a decimal string")
        }
        let nonce = try text("nonce")
        guard DecimalText.isHex(nonce, digits: 64) else {
            throw X402PayloadError(field: at + "nonce", message: "must be 0x and 64 hex digits (32 bytes)")
        }
        guard let signature = payload["signature"]?.stringValue else {
            throw X402PayloadError(field: path + ".signature", message: "is missing or not a string")
        }
        guard DecimalText.isHexBytes(signature) else {
            throw X402PayloadError(field: path + ".signature", message: "must be 0x-prefixed hex bytes")
        }
        guard signature.utf8.count == 132 else {
            throw X402PayloadError(code: X402ErrorReason.invalidSignature.rawValue, field: path + ".signature",
                                   message: "must be a 65-byte EOA signature; smart-wallet signatures (ERC-1271, EIP-6492) are not settled here")
        }
        return AuthorizationPayload(from: from, to: to, value: value, validAfter: validAfter, validBefore: validBefore,
                                    nonce: nonce, signature: signature)
    }
}
