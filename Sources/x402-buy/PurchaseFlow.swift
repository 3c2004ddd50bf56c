import Ethereum
import Foundation
import JSON
import X402
import X402Buyer

/// One buyer's purchase against a URL: ask (402), sign, pay with the header, and, when the
/// server answered 202, follow the payment's status URL until it completes or fails.
struct PurchaseFlow: Sendable {
    struct Record: Sendable {
        var challengeStatus: Int
        var payStatus: Int?
        var payBody: String = ""
        var receipt: SettlementResponse?
        var paymentID: String?
        var finalStatus: String?
        var txHash: String?
        /// Seconds from sending the payment to its answer, and to `completed` (when followed).
        var payToAnswer: Double?
        var payToCompleted: Double?
        var error: String?
    }

    let http: HTTPExchange
    let url: URL
    let method: String
    let body: [UInt8]
    let builder: PaymentHeaderBuilder
    /// 1 or 2 to insist on a version; nil: the one the 402 prefers (2 when its header is there).
    let version: Int?
    let follow: Bool
    let followTimeout: Double

    func run(buyer: PrivateKey) async -> Record {
        var record = Record(challengeStatus: 0)
        do {
            let challenge = try await http.send(method, url, body: body)
            record.challengeStatus = challenge.status
            guard challenge.status == 402 else {
                record.error = "expected 402, got \(challenge.status): \(challenge.bodyText.prefix(300))"
                return record
            }
            let header = version == 1 ? nil : challenge.headers[X402Headers.paymentRequired.lowercased()]
            if version == 2 && header == nil { throw BuyError("the 402 has no PAYMENT-REQUIRED header (x402 v2)") }
            let offers = try PaymentChallenge.offers(paymentRequiredHeader: header, body: challenge.body)
            let payment = try builder.pay(version: offers.version, accepts: offers.accepts, buyer: buyer)
            let sent = Date()
            let answer = try await http.send(method, url, headers: [payment.headerName: payment.headerValue], body: body)
            record.payToAnswer = Date().timeIntervalSince(sent)
            record.payStatus = answer.status
            record.payBody = answer.bodyText
            let receiptHeader = answer.headers[X402Headers.receipt(version: offers.version).lowercased()]
            record.receipt = try receiptHeader.map { header throws(X402PayloadError) in
                try SettlementResponse(header: header, name: X402Headers.receipt(version: offers.version))
            }
            let json = try? StrictJSONParser.parse(answer.body)
            record.paymentID = json?["paymentId"]?.stringValue ?? json?["paymentQueueId"]?.stringValue
            record.txHash = json?["txHash"]?.stringValue
            record.finalStatus = json?["paymentStatus"]?.stringValue ?? json?["status"]?.stringValue
            if answer.status == 200 { record.payToCompleted = record.payToAnswer }
            if answer.status == 202, follow, let statusPath = json?["statusUrl"]?.stringValue,
               let statusURL = URL(string: statusPath, relativeTo: url) {
                try await followPayment(statusURL, sent: sent, record: &record)
            }
        } catch {
            record.error = "\(error)"
        }
        return record
    }

    private func followPayment(_ statusURL: URL, sent: Date, record: inout Record) async throws {
        let deadline = Date().addingTimeInterval(followTimeout)
        while Date() < deadline {
            let answer = try await http.send("GET", statusURL)
            if answer.status == 200, let json = try? StrictJSONParser.parse(answer.body), let status = json["status"]?.stringValue {
                record.finalStatus = status
                record.txHash = json["txHash"]?.stringValue ?? record.txHash
                if status == "completed" {
                    record.payToCompleted = Date().timeIntervalSince(sent)
                    return
                }
                if status == "failed" || status == "confirmation_failed" { return }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
