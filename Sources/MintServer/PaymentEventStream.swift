import Foundation
import JSON
import LineProtocolClient
import PaymentModel

/// `GET /api/payment/:paymentId/events`: one payment's state changes as Server-Sent Events,
/// for buyers and resource servers that would otherwise poll the status URL.
///
/// Lifecycle: the first event is the payment as it is now; each change paymentd reports (woken
/// by `PaymentSignals`, read again at least every `pollInterval`) is one more `payment` event in
/// the status route's shape; a comment line keeps the connection alive while nothing changes.
/// The stream ends with an `end` event once the payment is done — completed with every mint
/// made or failed, or failed itself — or a `timeout` event after `lifetime`; a client that still
/// wants to follow it reconnects. paymentd unreachable mid-stream is an `unavailable` event, then
/// the end of the stream.
struct PaymentEventStream: Sendable {
    let client: PaymentdClient
    let signals: PaymentSignals
    var pollInterval: Duration = .seconds(15)
    var lifetime: Duration = .seconds(900)

    /// One SSE frame: `event: <name>` and its data as one JSON line.
    static func frame(_ event: String, _ data: JSONValue) -> String {
        "event: \(event)\ndata: \(JSONWriter.string(data))\n\n"
    }

    /// Whether the stream has nothing more to report about `payment`.
    static func isDone(_ payment: PaymentSnapshot) -> Bool {
        switch payment.status {
        case .failed, .confirmationFailed: true
        case .completed: payment.restoring == false && payment.mints.allSatisfy { $0.status == .completed || $0.status == .failed }
        case .pending, .processing, .sent: false
        }
    }

    /// Writes the frames for `paymentID` (whose first snapshot is `first`) until it is done.
    func run(paymentID: String, first: PaymentSnapshot, write: (String) async throws -> Void) async throws {
        let token = await signals.subscribe(paymentID)
        defer { Task { await signals.cancel(token) } }
        let deadline = ContinuousClock.now + lifetime
        var last = SeedViews.payment(first)
        try await write(Self.frame("payment", last))
        var current = first
        while !Self.isDone(current) {
            let left = deadline - ContinuousClock.now
            guard left > .zero, !Task.isCancelled else {
                try await write(Self.frame("timeout", ["paymentId": .string(paymentID), "message": "reconnect to keep following the payment"]))
                return
            }
            await signals.wait(token, timeout: min(left, pollInterval))
            do throws(PaymentdClientError) {
                current = try await client.status(paymentID: paymentID)
            } catch {
                try await write(Self.frame("unavailable", ["paymentId": .string(paymentID), "message": .string(error.description)]))
                return
            }
            let view = SeedViews.payment(current)
            if view != last {
                last = view
                try await write(Self.frame("payment", view))
            } else {
                try await write(": still \(current.status.rawValue)\n\n")
            }
        }
        try await write(Self.frame("end", ["paymentId": .string(paymentID), "status": .string(current.status.rawValue)]))
    }
}
