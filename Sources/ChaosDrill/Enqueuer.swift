import Foundation
import LineProtocolClient
import PaymentModel

/// Enqueues every request until each is answered, through kills and faults: a request that
/// failed for a reason that passes (connection refused, the daemon starting or unavailable, a
/// timeout, `too_many_pending`) is sent again with the same idempotency key; a refusal that
/// resending cannot change ends that request; at the deadline whatever is left is given up, so
/// the drill reports it instead of hanging. The first sending is spread over `spreadSeconds`
/// (a stream of buyers, so faults meet payments in every state rather than a finished batch).
final class Enqueuer: Sendable {
    let socketPath: String
    let requests: [PaymentRequest]
    let deadline: Date
    let spreadSeconds: Double

    /// Codes about the request itself: sent again, it would be refused again.
    static let finalRefusals: Set<String> = [
        "invalid_request", "invalid_signature", "high_s_signature", "signer_mismatch", "recipient_mismatch", "value_mismatch",
        "authorization_expiring", "token_not_allowed", "authorization_already_used", "duplicate_authorization",
        "idempotency_key_conflict", "price_mismatch", "quantity_out_of_range", "payment_type_not_allowed",
        "malformed_json", "invalid_arguments", "unknown_command", "line_too_long", "permission_denied",
    ]

    init(socketPath: String, requests: [PaymentRequest], deadline: Date, spreadSeconds: Double = 0) {
        self.socketPath = socketPath
        self.requests = requests
        self.deadline = deadline
        self.spreadSeconds = spreadSeconds
    }

    /// One outcome per request, in the requests' order.
    func run() async -> [EnqueueOutcome] {
        var outcomes = [EnqueueOutcome?](repeating: nil, count: requests.count)
        var lastErrors = [String](repeating: "never sent", count: requests.count)
        var remaining = Array(requests.indices)
        // First pass: four chunks a second over the spread; passes after it at once.
        let pacedChunk = spreadSeconds > 0 ? max(1, min(64, requests.count / max(1, Int(spreadSeconds * 4)))) : 64
        var firstPass = true
        let started = ContinuousClock.now
        while !remaining.isEmpty {
            let client = PaymentdClient(socketPath: socketPath, requestTimeout: .seconds(30))
            var failed: [Int] = []
            let size = firstPass ? pacedChunk : 64
            let chunks = (remaining.count + size - 1) / size
            for (number, start) in stride(from: 0, to: remaining.count, by: size).enumerated() {
                if firstPass && spreadSeconds > 0 {
                    try? await Task.sleep(until: started + .milliseconds(Int(spreadSeconds * 1000) * number / max(1, chunks)), clock: .continuous)
                }
                let chunk = Array(remaining[start..<min(start + size, remaining.count)])
                let answers = await withTaskGroup(of: (Int, Result<EnqueueResult, PaymentdClientError>).self) { group in
                    for index in chunk {
                        let request = requests[index]
                        group.addTask {
                            do throws(PaymentdClientError) {
                                return (index, .success(try await client.enqueue(request)))
                            } catch {
                                return (index, .failure(error))
                            }
                        }
                    }
                    var collected: [(Int, Result<EnqueueResult, PaymentdClientError>)] = []
                    for await answer in group { collected.append(answer) }
                    return collected
                }
                for (index, answer) in answers {
                    switch answer {
                    case .success(let result):
                        outcomes[index] = .acknowledged(paymentID: result.paymentID)
                    case .failure(.remote(let error)) where Self.finalRefusals.contains(error.code):
                        outcomes[index] = .refused(code: error.code, message: error.message)
                    case .failure(let error):
                        lastErrors[index] = "\(error.code): \(error)"
                        failed.append(index)
                    }
                }
            }
            await client.close()
            firstPass = false
            remaining = failed.sorted()
            if !remaining.isEmpty {
                guard Date() < deadline else { break }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        return outcomes.indices.map { outcomes[$0] ?? .unanswered(lastError: lastErrors[$0]) }
    }
}
