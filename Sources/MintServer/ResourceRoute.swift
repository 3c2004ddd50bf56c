/// The paid routes, each with its own answer mode: the seed's code route `POST /api/mint/:address`
/// and its summary's `POST /api/x402-batch-mint`.
public enum ResourceRoute: String, Sendable, CaseIterable {
    case mint
    case batchMint = "batch_mint"
}
