/// An EVM chain as x402 names it: `eip155:<chain id>` (CAIP-2) in version 2, a short name such
/// as `base` or `base-sepolia` in version 1.
///
/// It exists because one 402 answers both generations of client, so every requirement is
/// written twice, once per naming, and a payment names its chain either way.
public struct X402Network: Sendable, Hashable {
    public let chainID: UInt64
    /// The version 1 name (a buyer's SDK must know it; for a local chain it is registered there).
    public let v1Name: String

    /// The v1 names of the chains x402's reference code ships (X402-FACTS.md section 2).
    public static let knownV1Names: [UInt64: String] = [8453: "base", 84532: "base-sepolia"]

    /// `v1Name` nil: the known name of the chain, else its CAIP-2 name.
    public init(chainID: UInt64, v1Name: String? = nil) {
        self.chainID = chainID
        self.v1Name = v1Name ?? Self.knownV1Names[chainID] ?? "eip155:\(chainID)"
    }

    /// `eip155:<chain id>`, the version 2 name.
    public var caip2: String { "eip155:\(chainID)" }

    /// The name a message of `version` uses.
    public func name(version: Int) -> String { version == 1 ? v1Name : caip2 }

    /// Whether `network` names this chain in either version's spelling.
    public func isNamed(_ network: String) -> Bool { network == caip2 || network == v1Name }
}
