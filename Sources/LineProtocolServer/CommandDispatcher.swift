import JSON
import LineProtocolCodec
import PaymentModel

/// Turns one parsed request into one response by calling the `PaymentService`: the only
/// place where protocol commands meet engine calls. `watch` is not here: it is a stream, and
/// the connection session owns it.
struct CommandDispatcher: Sendable {
    let service: any PaymentService

    func respond(to request: ProtocolRequest) async -> ProtocolResponse {
        do throws(PaymentError) {
            return .success(id: request.id, result: try await result(of: request.command))
        } catch {
            return .failure(id: request.id, error: WireError(error))
        }
    }

    private func result(of command: ProtocolCommand) async throws(PaymentError) -> JSONValue {
        switch command {
        case .enqueue(let request):
            return try await service.enqueue(request).wireValue
        case .status(let paymentID):
            return try await service.status(paymentID: paymentID).wireValue
        case .stats:
            return try await service.stats().wireValue
        case .list(let filter):
            return ListResult.payments(try await service.list(filter))
        case .retry(let paymentID):
            return try await service.retry(paymentID: paymentID).wireValue
        case .retryMint(let paymentID):
            return try await service.retryMints(paymentID: paymentID).wireValue
        case .cancel(let paymentID):
            return try await service.cancel(paymentID: paymentID).wireValue
        case .refund(let paymentID, let txHash):
            return try await service.recordRefund(paymentID: paymentID, txHash: txHash).wireValue
        case .settingsGet:
            return ListResult.settings(try await service.settings())
        case .settingsSet(let key, let value):
            return ListResult.settings(try await service.updateSetting(key: key, value: value))
        case .prices:
            return ListResult.prices(try await service.prices())
        case .pricesSet(let price):
            return ListResult.prices(try await service.setPrice(price))
        case .pricesUnset(let product):
            return ListResult.prices(try await service.removePrice(product: product))
        case .ping:
            return ["pong": true]
        case .version:
            return DaemonVersion(daemon: service.version).wireValue
        case .stop:
            return ["stopping": true]
        case .watch:
            return ["watching": true]
        }
    }
}
