import HTTPTypes
import Hummingbird
import JSON
import X402

/// JSON responses as the seed wrote them: a body, a status, and extra headers (receipts,
/// `PAYMENT-REQUIRED`, `Retry-After`). Every error body is `{error, message}` plus fields.
enum HTTPAnswer {
    static func json(_ status: HTTPResponse.Status, _ body: JSONValue, headers: [(String, String)] = []) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(body))))
    }

    static func error(_ status: HTTPResponse.Status, _ error: String, _ message: String, extra: [String: JSONValue] = [:],
                      headers: [(String, String)] = []) -> Response {
        var body = extra
        body["error"] = .string(error)
        body["message"] = .string(message)
        return json(status, .object(body), headers: headers)
    }

    /// A paid route's answer (`CheckoutAnswer`) in the seed's shapes.
    static func checkout(_ answer: CheckoutAnswer, retryAfterSeconds: Int) -> Response {
        switch answer {
        case .badRequest(let error, let message):
            return self.error(.badRequest, error, message)
        case .notFound(let error, let message):
            return self.error(.notFound, error, message)
        case .paymentRequired(let challenge, let receipt):
            var headers = [(X402Headers.paymentRequired, challenge.v2Header), ("X-Payment-Required", "x402"), ("X-Payment-Version", "1")]
            if let receipt { headers.append((receipt.headerName, receipt.response.headerValue)) }
            return json(.init(code: 402), challenge.v1Body, headers: headers)
        case .accepted(let state):
            return json(.accepted, purchase(state, message: "Payment queued: tokens are minted once it settles on chain. "
                + "Follow it at statusUrl.", status: "payment_pending"),
                        headers: [(state.receipt.headerName, state.receipt.response.headerValue), ("Location", state.statusURL),
                                  ("Retry-After", String(retryAfterSeconds))])
        case .settled(let state):
            return json(.ok, purchase(state, message: "Payment settled on chain; the tokens are being minted.", status: "completed"),
                        headers: [(state.receipt.headerName, state.receipt.response.headerValue)])
        case .conflict(let message, let receipt):
            return self.error(.conflict, X402ErrorReason.duplicateSettlement.rawValue, message,
                              headers: [(receipt.headerName, receipt.response.headerValue)])
        case .soldOut(let message, let receipt):
            return self.error(.conflict, X402ErrorReason.soldOut.rawValue, message,
                              headers: receipt.map { [($0.headerName, $0.response.headerValue)] } ?? [])
        case .tooManyPending(let count, let message):
            return self.error(.tooManyRequests, "Too many pending payments", message,
                              extra: ["pendingCount": count.map { .int(Int64($0)) } ?? .null])
        case .unavailable(let message):
            return self.error(.serviceUnavailable, X402ErrorReason.unavailable.rawValue, message,
                              headers: [("Retry-After", String(retryAfterSeconds))])
        }
    }

    /// The seed's 202 body (`paymentQueueId`, `paymentMode`, `status`) plus what a buyer needs
    /// to follow its payment.
    private static func purchase(_ state: CheckoutAnswer.PurchaseState, message: String, status: String) -> JSONValue {
        ["success": true, "message": .string(message), "paymentQueueId": .string(state.paymentID),
         "paymentId": .string(state.paymentID), "quantity": .int(Int64(state.quantity)), "payer": .string(state.payer),
         "paymentMode": "x402", "status": .string(status), "paymentStatus": .string(state.status.rawValue),
         "txHash": state.txHash.map(JSONValue.string) ?? .null, "duplicate": .bool(state.duplicate),
         "statusUrl": .string("/api/payment/\(state.paymentID)")]
    }
}
