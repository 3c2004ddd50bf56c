import Ethereum
import Foundation
import JSON
import PaymentModel
import X402
import X402Buyer
import XCTest

/// The wire formats of both x402 versions, pinned to the shapes the specification and the
/// reference SDKs use (X402-FACTS.md sections 1–3).
final class X402WireFormatTests: XCTestCase {
    let requirements = PaymentRequirements(network: "base-sepolia", amount: "2000", asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                                           payTo: "0x1111111111111111111111111111111111111111", maxTimeoutSeconds: 300,
                                           domainName: "USDC", domainVersion: "2",
                                           resource: ResourceInfo(url: "http://x/api/mint/0xabc", description: "two", mimeType: "application/json"))

    func testVersionOneRequirementsCarryMaxAmountRequiredResourceAndTheDomainWithItsVersion() throws {
        let wire = requirements.wire(version: 1)
        XCTAssertEqual(wire["maxAmountRequired"], "2000")
        XCTAssertNil(wire["amount"])
        XCTAssertEqual(wire["resource"], "http://x/api/mint/0xabc")
        XCTAssertEqual(wire["description"], "two")
        XCTAssertEqual(wire["mimeType"], "application/json")
        XCTAssertEqual(wire["extra"], ["name": "USDC", "version": "2"], "extra.version is always sent: SDKs default it to 1 otherwise")
        XCTAssertEqual(wire["maxTimeoutSeconds"], 300)
        XCTAssertEqual(try PaymentRequirements(wire: wire, version: 1), requirements)
    }

    func testVersionTwoRequirementsUseAmountAndLeaveTheResourceToThePaymentRequired() throws {
        var v2 = requirements
        v2.network = "eip155:84532"
        v2.resource = nil
        let wire = v2.wire(version: 2)
        XCTAssertEqual(wire["amount"], "2000")
        XCTAssertNil(wire["maxAmountRequired"])
        XCTAssertNil(wire["resource"])
        XCTAssertEqual(try PaymentRequirements(wire: wire, version: 2), v2)
    }

    func testOneChallengeServesBothGenerations() throws {
        var v2 = requirements
        v2.network = "eip155:84532"
        v2.resource = nil
        let challenge = PaymentChallenge(error: "payment_required", message: "pay", resource: requirements.resource!,
                                         acceptsV1: [requirements], acceptsV2: [v2])
        XCTAssertEqual(challenge.v1Body["x402Version"], 1)
        XCTAssertEqual(challenge.v1Body["error"], "payment_required")
        XCTAssertEqual(challenge.v1Body["message"], "pay")
        let header = try Base64JSON.decode(challenge.v2Header, name: "PAYMENT-REQUIRED")
        XCTAssertEqual(header["x402Version"], 2)
        XCTAssertEqual(header["resource"]?["url"], "http://x/api/mint/0xabc")
        XCTAssertEqual(header["accepts"]?.arrayValue?.first?["network"], "eip155:84532")
        // A buyer prefers the header; without it, the version 1 body.
        let fromHeader = try PaymentChallenge.offers(paymentRequiredHeader: challenge.v2Header, body: [])
        XCTAssertEqual(fromHeader.version, 2)
        XCTAssertEqual(fromHeader.accepts, [v2])
        let fromBody = try PaymentChallenge.offers(paymentRequiredHeader: nil, body: JSONWriter.bytes(challenge.v1Body))
        XCTAssertEqual(fromBody.version, 1)
        XCTAssertEqual(fromBody.accepts.first?.amount, "2000")
    }

    func testSignedPaymentsRoundTripThroughTheirHeadersInBothVersions() throws {
        let buyer = try PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
        let builder = PaymentHeaderBuilder(chainID: 84532)
        var v2 = requirements
        v2.network = "eip155:84532"
        v2.resource = nil
        for (version, offer) in [(1, requirements), (2, v2)] {
            let signed = try builder.pay(version: version, accepts: [offer], buyer: buyer)
            XCTAssertEqual(signed.headerName, version == 1 ? "X-PAYMENT" : "PAYMENT-SIGNATURE")
            let decoded = try PaymentPayload(header: signed.headerValue, name: signed.headerName)
            XCTAssertEqual(decoded, signed.payload)
            XCTAssertEqual(decoded.x402Version, version)
            XCTAssertEqual(decoded.authorization.value, "2000")
            XCTAssertEqual(decoded.authorization.to.lowercased(), offer.payTo.lowercased())
            XCTAssertEqual(decoded.network, offer.network)
            XCTAssertEqual(decoded.accepted, version == 2 ? v2 : nil)
            let key = decoded.idempotencyKey(asset: "0xAbC0000000000000000000000000000000000001")
            XCTAssertTrue(key.hasPrefix("x402:\(buyer.address.checksummed.lowercased()):0x"))
            XCTAssertNotEqual(key, decoded.idempotencyKey(asset: "0xAbC0000000000000000000000000000000000002"), "the token is part of the key")
            XCTAssertEqual(key, decoded.idempotencyKey(asset: "0xabc0000000000000000000000000000000000001"), "whatever the asset's case")
            XCTAssertLessThanOrEqual(key.count, 128, "paymentd refuses longer keys")
            XCTAssertEqual(key, key.lowercased())
            // The signature is the buyer's under the token's domain.
            let transfer = TransferWithAuthorization(
                from: buyer.address, to: try Address(hex: offer.payTo), value: UInt256(2000),
                validAfter: try UInt256(parsingDecimal: decoded.authorization.validAfter),
                validBefore: try UInt256(parsingDecimal: decoded.authorization.validBefore), nonce: try Bytes32(hex: decoded.authorization.nonce))
            let domain = EIP712Domain(name: "USDC", version: "2", chainId: 84532, verifyingContract: try Address(hex: offer.asset))
            XCTAssertEqual(try transfer.recoverSigner(signature: try EthereumSignature(hex: decoded.authorization.signature ?? ""), domain: domain),
                           buyer.address)
        }
    }

    func testMalformedPaymentsNameTheFieldAtFault() throws {
        func reason(_ json: JSONValue) -> String {
            do {
                _ = try PaymentPayload(header: Base64JSON.encode(json), name: "X-PAYMENT")
                return "accepted"
            } catch {
                return error.description
            }
        }
        let authorization: JSONValue = ["from": "0x1111111111111111111111111111111111111111", "to": "0x2222222222222222222222222222222222222222",
                                        "value": "1000", "validAfter": "0", "validBefore": "9999999999", "nonce": .string("0x" + String(repeating: "ab", count: 32))]
        let good: JSONValue = ["x402Version": 1, "scheme": "exact", "network": "base",
                               "payload": ["signature": .string("0x" + String(repeating: "cd", count: 65)), "authorization": authorization]]
        XCTAssertEqual(reason(good), "accepted")
        XCTAssertEqual(reason(["scheme": "exact"]), "x402Version: is missing or not an integer")
        var badNonce = authorization.objectValue!
        badNonce["nonce"] = "0x12"
        XCTAssertEqual(reason(["x402Version": 1, "scheme": "exact", "network": "base",
                               "payload": ["signature": .string("0x" + String(repeating: "cd", count: 65)), "authorization": .object(badNonce)]]),
                       "payload.authorization.nonce: must be 0x and 64 hex digits (32 bytes)")
        XCTAssertTrue(reason(["x402Version": 2, "payload": good["payload"]!]).hasPrefix("accepted: is missing"))
        XCTAssertTrue(reason(["x402Version": 3]).contains("not supported"))
        XCTAssertThrowsError(try PaymentPayload(header: "%%%not base64", name: "X-PAYMENT")) { error in
            XCTAssertEqual((error as? X402PayloadError)?.message, "The X-PAYMENT header is not base64.")
        }
        XCTAssertThrowsError(try PaymentPayload(header: Data("[1]".utf8).base64EncodedString(), name: "X-PAYMENT"))
        // URL-safe base64 without padding is accepted, as some clients send it.
        let urlSafe = Base64JSON.encode(good).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        XCTAssertNoThrow(try PaymentPayload(header: urlSafe, name: "X-PAYMENT"))
    }

    /// x402's payment-identifier: the id names the purchase (one key whatever the authorization),
    /// scoped to the payer; a malformed one is refused naming the field; resource and extensions
    /// travel with a version 2 payload.
    func testAPaymentIdentifierNamesThePurchaseAndAMalformedOneIsRefused() throws {
        let buyer = try PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
        var offer = requirements
        offer.network = "eip155:84532"
        offer.resource = nil
        let builder = PaymentHeaderBuilder(chainID: 84532)
        func identified(_ id: JSONValue) throws -> JSONValue {
            var wire = try builder.pay(version: 2, accepts: [offer], buyer: buyer).payload.wire.objectValue!
            wire["resource"] = ["url": "http://x/api/mint/0xabc"]
            wire["extensions"] = [PaymentIdentifier.key: ["info": ["required": false, "id": id], "schema": [:]]]
            return .object(wire)
        }
        let first = try PaymentPayload(wire: try identified("purchase-0001-identifier"), path: "")
        let resigned = try PaymentPayload(wire: try identified("purchase-0001-identifier"), path: "")
        XCTAssertNotEqual(first.authorization.nonce, resigned.authorization.nonce)
        XCTAssertEqual(first.paymentIdentifier, "purchase-0001-identifier")
        XCTAssertEqual(first.idempotencyKey(asset: offer.asset), resigned.idempotencyKey(asset: offer.asset), "one id, one purchase")
        XCTAssertTrue(first.idempotencyKey(asset: offer.asset).hasPrefix("x402-id:\(buyer.address.checksummed.lowercased()):0x"))
        XCTAssertLessThanOrEqual(first.idempotencyKey(asset: offer.asset).count, 128)
        let other = try PrivateKey(hex: "0x" + String(repeating: "22", count: 32))
        var theirs = try builder.pay(version: 2, accepts: [offer], buyer: other).payload
        theirs.paymentIdentifier = "purchase-0001-identifier"
        XCTAssertNotEqual(theirs.idempotencyKey(asset: offer.asset), first.idempotencyKey(asset: offer.asset), "another payer's id is his own")
        XCTAssertEqual(try PaymentPayload(header: first.headerValue, name: "PAYMENT-SIGNATURE"), first, "resource and extensions round-trip")
        XCTAssertEqual(first.resource?["url"], "http://x/api/mint/0xabc")

        for (id, why) in [("short", "16 to 128"), (String(repeating: "a", count: 129), "16 to 128"), ("has spaces in it, sixteen+", "letters")] {
            XCTAssertThrowsError(try PaymentPayload(wire: try identified(.string(id)), path: "")) { error in
                let problem = error as? X402PayloadError
                XCTAssertEqual(problem?.field, "extensions.payment-identifier.info.id")
                XCTAssertTrue(problem?.message.contains(why) ?? false, String(describing: problem))
            }
        }
        XCTAssertThrowsError(try PaymentPayload(wire: try identified(7), path: ""))
        var notAnObject = try identified("purchase-0001-identifier").objectValue!
        notAnObject["extensions"] = "payment-identifier"
        XCTAssertThrowsError(try PaymentPayload(wire: .object(notAnObject), path: "")) { error in
            XCTAssertEqual((error as? X402PayloadError)?.field, "extensions")
        }
        // The 402 declares it, with the SDK's schema.
        let declaration = PaymentIdentifier.declaration(required: true)
        XCTAssertEqual(declaration["info"], ["required": true])
        XCTAssertEqual(declaration["schema"]?["properties"]?["id"]?["pattern"], "^[a-zA-Z0-9_-]+$")
    }

    func testReceiptsAlwaysCarryTransactionAndNetwork() throws {
        let pending = SettlementResponse(success: false, errorReason: "settlement_pending", transaction: "", network: "eip155:8453", payer: "0xabc")
        XCTAssertEqual(pending.wire, ["success": false, "errorReason": "settlement_pending", "transaction": "", "network": "eip155:8453", "payer": "0xabc"])
        XCTAssertEqual(try SettlementResponse(header: pending.headerValue, name: "PAYMENT-RESPONSE"), pending)
    }

    func testEveryDaemonRefusalAboutThePaymentMapsToAnX402Reason() {
        XCTAssertEqual(X402ErrorReason(daemonCode: "invalid_signature"), .invalidSignature)
        XCTAssertEqual(X402ErrorReason(daemonCode: "signer_mismatch")?.rawValue, "invalid_exact_evm_payload_signature")
        XCTAssertEqual(X402ErrorReason(daemonCode: "recipient_mismatch")?.rawValue, "invalid_exact_evm_payload_recipient_mismatch")
        XCTAssertEqual(X402ErrorReason(daemonCode: "price_mismatch")?.rawValue, "invalid_exact_evm_payload_authorization_value")
        XCTAssertEqual(X402ErrorReason(daemonCode: "value_mismatch")?.rawValue, "invalid_exact_evm_payload_authorization_value")
        XCTAssertEqual(X402ErrorReason(daemonCode: "authorization_expiring")?.rawValue, "invalid_exact_evm_payload_authorization_valid_before")
        XCTAssertEqual(X402ErrorReason(daemonCode: "authorization_already_used")?.rawValue, "invalid_exact_evm_nonce_already_used")
        XCTAssertNil(X402ErrorReason(daemonCode: "database_unavailable"), "unavailability is not a verdict on the payment")
        XCTAssertNil(X402ErrorReason(daemonCode: "rpc_unavailable"))
    }

    func testNetworksAreNamedInBothSpellings() {
        XCTAssertEqual(X402Network(chainID: 8453).v1Name, "base")
        XCTAssertEqual(X402Network(chainID: 84532).caip2, "eip155:84532")
        let local = X402Network(chainID: 31337, v1Name: "devchain")
        XCTAssertTrue(local.isNamed("devchain"))
        XCTAssertTrue(local.isNamed("eip155:31337"))
        XCTAssertFalse(local.isNamed("base"))
        XCTAssertEqual(X402Network(chainID: 31337).v1Name, "eip155:31337")
    }

    func testLatencyPercentilesAreNearestRank() {
        let summary = LatencySummary(seconds: (1...100).map(Double.init))
        XCTAssertEqual(summary.p50, 50)
        XCTAssertEqual(summary.p99, 99)
        XCTAssertNil(LatencySummary(seconds: []).p50)
    }
}
