/// What the daemon offers its clients, independent of how they reach it.
///
/// The engine implements it; the socket server (`LineProtocolServer`) translates protocol lines into
/// these calls and their results back into lines. Keeping the seam here lets the protocol be
/// tested without a chain, and the engine without a socket.
public protocol PaymentService: Sendable {
    /// Validates and queues a payment. Idempotent per `idempotencyKey`.
    func enqueue(_ request: PaymentRequest) async throws(PaymentError) -> EnqueueResult
    func status(paymentID: String) async throws(PaymentError) -> PaymentSnapshot
    func stats() async throws(PaymentError) -> PaymentStats
    func list(_ filter: PaymentListFilter) async throws(PaymentError) -> [PaymentSnapshot]
    /// Puts a `failed` or `confirmation_failed` payment back to `pending` when the chain shows
    /// its authorization can still settle.
    func retry(paymentID: String) async throws(PaymentError) -> PaymentSnapshot
    /// Puts a payment's failed mint jobs back in the queue (the cause fixed: a token
    /// misconfigured, a minter without its role); the dedupe hashes keep them minted once.
    func retryMints(paymentID: String) async throws(PaymentError) -> PaymentSnapshot
    /// Records `txHash`, a transfer of the payment token to the payer mined on chain, as the
    /// refund of a paid payment whose mints cannot be made (`refund_due`).
    func recordRefund(paymentID: String, txHash: String) async throws(PaymentError) -> PaymentSnapshot
    /// Fails a payment that has not been signed yet (`pending`).
    func cancel(paymentID: String) async throws(PaymentError) -> PaymentSnapshot
    func settings() async throws(PaymentError) -> [Setting]
    /// Changes one setting; it applies to the running loops at once.
    func updateSetting(key: String, value: String) async throws(PaymentError) -> [Setting]
    /// The price list enqueue enforces, as clients need it to ask buyers for the right amount.
    func prices() async throws(PaymentError) -> [Price]
    /// Replaces a configured product's price (stored, for every instance); returns the new list.
    func setPrice(_ override: PriceOverride) async throws(PaymentError) -> [Price]
    /// Removes a product's override: its configured price applies again; returns the new list.
    func removePrice(product: String) async throws(PaymentError) -> [Price]
    /// State changes from now on, until the stream is dropped or the daemon stops.
    func events() async -> AsyncStream<PaymentEvent>
    /// Daemon version and build facts for `version`.
    var version: String { get }
}
