import Foundation
import JSON
import PaymentModel

/// A stand-in for the engine, to test the protocol layer (and, later, the programs built on
/// the client) alone: payments live in a dictionary,
/// every call that would change state is counted, and calls can be slowed down per payment id
/// to make the service answer out of order.
public actor InMemoryPaymentService: PaymentService {
    public nonisolated let version = "test-double 1.0"

    private var payments: [String: PaymentSnapshot] = [:]
    private var order: [String] = []
    private var keys: [String: String] = [:]
    private var settingsByKey: [String: Setting] = [
        "payment_batch_interval_ms": Setting(key: "payment_batch_interval_ms", value: "2000", description: "Send loop interval"),
        "payment_batch_size": Setting(key: "payment_batch_size", value: "10", description: "Payments per send batch"),
    ]
    private var watchers: [UUID: AsyncStream<PaymentEvent>.Continuation] = [:]
    private var delays: [String: Duration] = [:]
    private var enqueueDelay: Duration?
    private var hangForever = false
    private var holding = false
    private var held: [CheckedContinuation<Void, Never>] = []
    private var enqueueFailure: PaymentError?
    /// Every enqueue request that reached the service, in order (for the programs built on the client).
    public private(set) var enqueued: [PaymentRequest] = []

    /// enqueue, retry, cancel and updateSetting calls that reached the service.
    public private(set) var mutatingCalls = 0
    /// Payment ids in the order their `status` calls finished.
    public private(set) var finishedStatusCalls: [String] = []
    public private(set) var maximumConcurrentCalls = 0
    private var concurrentCalls = 0

    public init() {}

    public func delay(paymentID: String, by duration: Duration) { delays[paymentID] = duration }
    public func delayEnqueue(by duration: Duration) { enqueueDelay = duration }
    /// Makes every later enqueue fail with `error` (nil: succeed again).
    public func failEnqueues(with error: PaymentError?) { enqueueFailure = error }
    public func hangStatusCalls() { hangForever = true }
    /// Makes every later `enqueue` and `status` call wait, once it has reached the service (an
    /// enqueue is in `enqueued` by then), until `releaseHeldCalls()`. With `heldCallCount`, a
    /// test can act while a request is certainly in flight instead of sleeping and hoping.
    public func holdCalls() { holding = true }
    /// Lets every held call go on, and holds no more.
    public func releaseHeldCalls() {
        holding = false
        let waiting = held
        held.removeAll()
        for call in waiting { call.resume() }
    }
    /// `enqueue` and `status` calls waiting in the hold right now.
    public var heldCallCount: Int { held.count }
    public var watcherCount: Int { watchers.count }
    public var paymentCount: Int { payments.count }

    /// Puts a payment straight into the store (not counted as a mutating call).
    public func insert(_ snapshot: PaymentSnapshot) {
        if payments[snapshot.paymentID] == nil { order.append(snapshot.paymentID) }
        payments[snapshot.paymentID] = snapshot
    }

    public func publish(_ event: PaymentEvent) {
        for watcher in watchers.values { watcher.yield(event) }
    }

    public func enqueue(_ request: PaymentRequest) async throws(PaymentError) -> EnqueueResult {
        mutatingCalls += 1
        enqueued.append(request)
        await holdIfAsked()
        await pause(enqueueDelay)
        if let enqueueFailure { throw enqueueFailure }
        if let key = request.idempotencyKey, let existing = keys[key], let payment = payments[existing] {
            return EnqueueResult(paymentID: existing, status: payment.status, duplicate: true)
        }
        guard request.authorization.value == request.amount else {
            throw .valueMismatch(value: request.authorization.value, amount: request.amount)
        }
        let id = UUID().uuidString.lowercased()
        let snapshot = PaymentSnapshot(
            paymentID: id, type: request.type, status: .pending, payer: request.authorization.from, amount: request.amount,
            paymentToken: request.paymentToken, token: request.token, txHash: nil, error: nil, createdAt: Date(),
            processedAt: nil, metadata: request.metadata)
        insert(snapshot)
        if let key = request.idempotencyKey { keys[key] = id }
        publish(PaymentEvent(paymentID: id, status: .pending, txHash: nil, error: nil, at: Date()))
        return EnqueueResult(paymentID: id, status: .pending, duplicate: false)
    }

    public func status(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        concurrentCalls += 1
        maximumConcurrentCalls = max(maximumConcurrentCalls, concurrentCalls)
        defer { concurrentCalls -= 1 }
        await holdIfAsked()
        if hangForever { await pause(.seconds(3600)) }
        await pause(delays[paymentID])
        finishedStatusCalls.append(paymentID)
        guard let payment = payments[paymentID] else { throw .notFound(paymentID: paymentID) }
        return payment
    }

    public func stats() async throws(PaymentError) -> PaymentStats {
        var counts: [PaymentStatus: Int] = [:]
        for status in PaymentStatus.allCases { counts[status] = 0 }
        for payment in payments.values { counts[payment.status, default: 0] += 1 }
        return PaymentStats(counts: counts, queueDepth: counts[.pending] ?? 0, oldestPendingAgeSeconds: nil,
                            oldestSentAgeSeconds: nil, confirmationRate: nil, averageProcessingSeconds: nil,
                            mintCounts: [:], signers: [SignerState(address: "0x" + String(repeating: "ab", count: 20), role: .payment,
                                                                   nextNonce: 7, minedNonce: 7, inFlight: 0, pausedReason: nil)])
    }

    public func list(_ filter: PaymentListFilter) async throws(PaymentError) -> [PaymentSnapshot] {
        let matching = order.reversed().compactMap { payments[$0] }.filter { payment in
            (filter.status.map { payment.status == $0 } ?? true) && (filter.payer.map { payment.payer == $0 } ?? true)
        }
        return Array(matching.prefix(filter.limit))
    }

    public func retry(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        mutatingCalls += 1
        await pause(delays[paymentID])
        guard var payment = payments[paymentID] else { throw .notFound(paymentID: paymentID) }
        guard payment.status == .failed || payment.status == .confirmationFailed else {
            throw .invalidTransition(paymentID: paymentID, status: payment.status, action: "retried")
        }
        payment.status = .pending
        payment.error = nil
        insert(payment)
        publish(PaymentEvent(paymentID: paymentID, status: .pending, txHash: nil, error: nil, at: Date()))
        return payment
    }

    public func retryMints(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        mutatingCalls += 1
        await pause(delays[paymentID])
        guard var payment = payments[paymentID] else { throw .notFound(paymentID: paymentID) }
        guard payment.mints.contains(where: { $0.status == .failed }) else {
            throw .invalidTransition(paymentID: paymentID, status: payment.status, action: "given its mints again (it has no failed mint job)")
        }
        for index in payment.mints.indices where payment.mints[index].status == .failed {
            payment.mints[index].status = .pending
            payment.mints[index].error = "requeued by operator"
        }
        insert(payment)
        return payment
    }

    /// Records any hash as the refund of a payment whose mints failed (no chain to check here).
    public func recordRefund(paymentID: String, txHash: String) async throws(PaymentError) -> PaymentSnapshot {
        mutatingCalls += 1
        await pause(delays[paymentID])
        guard var payment = payments[paymentID] else { throw .notFound(paymentID: paymentID) }
        guard payment.refundTxHash == nil, payment.mints.contains(where: { $0.status == .failed }) else {
            throw .refundNotDue(paymentID: paymentID, why: "none of its mints failed, or its refund is recorded")
        }
        payment.refundTxHash = txHash
        payment.refundAmount = payment.amount
        payment.refundDue = nil
        insert(payment)
        return payment
    }

    public func cancel(paymentID: String) async throws(PaymentError) -> PaymentSnapshot {
        mutatingCalls += 1
        await pause(delays[paymentID])
        guard var payment = payments[paymentID] else { throw .notFound(paymentID: paymentID) }
        guard payment.status == .pending else {
            throw .invalidTransition(paymentID: paymentID, status: payment.status, action: "cancelled")
        }
        payment.status = .failed
        payment.error = "cancelled by operator"
        payment.processedAt = Date()
        insert(payment)
        publish(PaymentEvent(paymentID: paymentID, status: .failed, txHash: nil, error: payment.error, at: Date()))
        return payment
    }

    /// What the product has left to sell, as `prices` reports it (nil: no limit known).
    public private(set) var availableItems: Int64?

    public func setAvailableItems(_ items: Int64?) { availableItems = items }

    /// One product, in the tokens `prices.jsonl` binds.
    public func prices() async throws(PaymentError) -> [Price] {
        [Price(type: .mint, token: "0x4444444444444444444444444444444444444444", paymentToken: "0x3333333333333333333333333333333333333333",
               unitPrice: "1000", maxQuantity: 10, source: .configuration, availableItems: availableItems)]
    }

    /// Sells only its one product: another is refused as the engine refuses it.
    public func setPrice(_ override: PriceOverride) async throws(PaymentError) -> [Price] {
        mutatingCalls += 1
        throw .invalidRequest(field: "product", reason: "\(override.product) is not sold here (the in-memory service sells one product)")
    }

    public func removePrice(product: String) async throws(PaymentError) -> [Price] {
        mutatingCalls += 1
        return try await prices()
    }

    public func settings() async throws(PaymentError) -> [Setting] {
        settingsByKey.values.sorted { $0.key < $1.key }
    }

    public func updateSetting(key: String, value: String) async throws(PaymentError) -> [Setting] {
        mutatingCalls += 1
        guard var setting = settingsByKey[key] else { throw .unknownSetting(key) }
        guard Int(value).map({ $0 > 0 }) == true else {
            throw .invalidSettingValue(key: key, value: value, reason: "must be a positive integer")
        }
        setting.value = value
        settingsByKey[key] = setting
        return try await settings()
    }

    public func events() async -> AsyncStream<PaymentEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: PaymentEvent.self)
        let id = UUID()
        watchers[id] = continuation
        continuation.onTermination = { _ in Task { await self.removeWatcher(id) } }
        return stream
    }

    /// Ends every watch stream, as the engine does when it stops.
    public func finishEvents() {
        for watcher in watchers.values { watcher.finish() }
        watchers.removeAll()
    }

    private func removeWatcher(_ id: UUID) { watchers[id] = nil }

    private func holdIfAsked() async {
        guard holding else { return }
        await withCheckedContinuation { held.append($0) }
    }

    private func pause(_ duration: Duration?) async {
        guard let duration else { return }
        try? await Task.sleep(for: duration)
    }
}
