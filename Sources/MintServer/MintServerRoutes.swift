import HTTPTypes
import Hummingbird
import JSON
import LineProtocolClient
import LineProtocolCodec
import PaymentModel
import X402

/// Every route of mint-server, in one place; each handler reads the request, calls a type that
/// knows nothing of HTTP (`Checkout`, `Facilitator`, `SeedViews`, the client) and writes its answer.
///
/// The seed's routes: `POST /api/mint/:address`, `POST /api/x402-batch-mint`,
/// `GET /api/payment/:paymentId`, `GET /api/payment-stats` and `GET /api/payment/stats` (a
/// constant path segment wins over a parameter in this router, so "stats" is never taken for a
/// payment id, the seed's route-order bug), `GET /health`; paymentd's own
/// `GET /api/payment/:paymentId/events` (Server-Sent Events); and the facilitator's
/// `/supported`, `/verify`, `/settle` under the configured prefix.
public struct MintServerRoutes: Sendable {
    let checkout: Checkout
    let facilitator: Facilitator
    let client: PaymentdClient
    let events: PaymentEventStream
    let retryAfterSeconds: Int
    let facilitatorPrefix: String
    /// The largest request body read (a purchase or a facilitator request is far smaller).
    static let maximumBodyBytes = 64 * 1024

    init(checkout: Checkout, facilitator: Facilitator, client: PaymentdClient, events: PaymentEventStream, configuration: MintServerConfiguration) {
        self.events = events
        self.checkout = checkout
        self.facilitator = facilitator
        self.client = client
        self.retryAfterSeconds = configuration.retryAfterSeconds
        self.facilitatorPrefix = configuration.facilitatorPrefix
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/api/mint/:address") { request, context in
            let token = context.parameters.get("address") ?? ""
            return try await buy(.mint, token: token, request, context)
        }
        router.post("/api/x402-batch-mint") { request, context in
            try await buy(.batchMint, token: nil, request, context)
        }
        router.get("/api/payment-stats") { _, _ in await stats() }
        router.get("/api/payment/stats") { _, _ in await stats() }
        router.get("/api/payment/:paymentId") { _, context in
            await payment(context.parameters.get("paymentId") ?? "")
        }
        router.get("/api/payment/:paymentId/events") { _, context in
            await paymentEvents(context.parameters.get("paymentId") ?? "")
        }
        router.get("/health") { _, _ in await health() }
        let facilitatorRoutes = router.group(RouterPath(facilitatorPrefix))
        facilitatorRoutes.get("supported") { _, _ in HTTPAnswer.json(.ok, facilitator.supported) }
        facilitatorRoutes.post("verify") { request, context in
            HTTPAnswer.json(.ok, await facilitator.verify(body: try await body(request, context)).wire)
        }
        facilitatorRoutes.post("settle") { request, context in
            HTTPAnswer.json(.ok, await facilitator.settle(body: try await body(request, context)).wire)
        }
        facilitatorRoutes.get("settlement/:payer/:nonce") { _, context in
            await settlement(payer: context.parameters.get("payer") ?? "", nonce: context.parameters.get("nonce") ?? "")
        }
        return router
    }

    private func buy(_ route: ResourceRoute, token: String?, _ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let answer = await checkout.buy(route: route, token: token, path: request.uri.path, host: request.head.authority,
                                        body: try await body(request, context),
                                        payment: Self.paymentHeader(request.headers))
        return HTTPAnswer.checkout(answer, retryAfterSeconds: retryAfterSeconds)
    }

    private func payment(_ id: String) async -> Response {
        do throws(PaymentdClientError) {
            return HTTPAnswer.json(.ok, SeedViews.payment(try await client.status(paymentID: id)))
        } catch {
            return paymentLookupFailed(id, error)
        }
    }

    /// The payment's changes as Server-Sent Events (`PaymentEventStream`); 404 and 503 as for
    /// its status, before the stream starts.
    private func paymentEvents(_ id: String) async -> Response {
        let first: PaymentSnapshot
        do throws(PaymentdClientError) {
            first = try await client.status(paymentID: id)
        } catch {
            return paymentLookupFailed(id, error)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        let events = self.events
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await events.run(paymentID: first.paymentID, first: first) { text in
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        })
    }

    private func paymentLookupFailed(_ id: String, _ error: PaymentdClientError) -> Response {
        // The daemon refuses a malformed id as invalid_arguments: no payment has it either.
        if case .remote(let wire) = error, ["not_found", "invalid_arguments", "invalid_request"].contains(wire.code) {
            return HTTPAnswer.error(.notFound, "Payment not found", "No payment has id \(id).")
        }
        return unavailable(error)
    }

    private func settlement(payer: String, nonce: String) async -> Response {
        guard HexText.isPrefixed(payer, digits: 40) else {
            return HTTPAnswer.error(.badRequest, X402ErrorReason.invalidPayload.rawValue, "\(payer) is not an address (0x and 40 hex digits).")
        }
        guard HexText.isPrefixed(nonce, digits: 64) else {
            return HTTPAnswer.error(.badRequest, X402ErrorReason.invalidPayload.rawValue, "\(nonce) is not an EIP-3009 nonce (0x and 64 hex digits).")
        }
        do throws(PaymentdClientError) {
            guard let answer = try await facilitator.settlement(payer: payer, nonce: nonce) else {
                return HTTPAnswer.error(.notFound, "Settlement not found", "No payment holds authorization \(nonce) of \(payer): it was never settled here.")
            }
            return HTTPAnswer.json(.ok, answer)
        } catch {
            return unavailable(error)
        }
    }

    private func stats() async -> Response {
        do throws(PaymentdClientError) {
            return HTTPAnswer.json(.ok, SeedViews.stats(try await client.stats()))
        } catch {
            return unavailable(error)
        }
    }

    private func health() async -> Response {
        do throws(PaymentdClientError) {
            try await client.ping()
            return HTTPAnswer.json(.ok, ["status": "ok", "paymentd": "ok"])
        } catch {
            return HTTPAnswer.error(.serviceUnavailable, "paymentd_unreachable", error.description, extra: ["status": "unavailable"],
                                    headers: [("Retry-After", String(retryAfterSeconds))])
        }
    }

    private func unavailable(_ error: PaymentdClientError) -> Response {
        HTTPAnswer.error(.serviceUnavailable, X402ErrorReason.unavailable.rawValue, "paymentd is unavailable (\(error.code)); retry shortly.",
                         headers: [("Retry-After", String(retryAfterSeconds))])
    }

    private func body(_ request: Request, _ context: BasicRequestContext) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
        return Array(buffer.readableBytesView)
    }

    /// `PAYMENT-SIGNATURE` (v2) when present, else `X-PAYMENT` (v1).
    static func paymentHeader(_ headers: HTTPFields) -> Checkout.PaymentHeader? {
        for name in [X402Headers.paymentSignature, X402Headers.payment] {
            if let field = HTTPField.Name(name), let value = headers[field] { return Checkout.PaymentHeader(name: name, value: value) }
        }
        return nil
    }
}
