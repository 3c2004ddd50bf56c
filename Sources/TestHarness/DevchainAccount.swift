import Foundation
import JSON

/// One funded account of the devchain. Keys are public by construction (derived from fixed
/// strings), so they may appear in tests; never put value behind them.
public struct DevchainAccount: Sendable, Hashable {
    /// EIP-55 checksummed, `0x`-prefixed.
    public let address: String
    /// `0x` and 64 hex digits.
    public let privateKey: String
}
