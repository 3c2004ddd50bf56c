import Ethereum

/// A read-only contract call to make with `eth_call`.
public struct CallRequest: Sendable, Hashable {
    public var from: Address?
    public var to: Address
    public var data: [UInt8]
    public var block: BlockTag

    public init(from: Address? = nil, to: Address, data: [UInt8], block: BlockTag = .latest) {
        self.from = from
        self.to = to
        self.data = data
        self.block = block
    }
}

/// What an `eth_call` produced: return data, or a revert with its decoded reason.
///
/// A revert is an answer, not a failure of the call: the engine simulates `batchMint` and
/// `transferWithAuthorization` to learn *why* they would fail (`AlreadyMinted`, "authorization
/// is used or canceled"), so it is a value here; other node errors still throw.
public enum CallOutcome: Sendable, Hashable {
    case returned([UInt8])
    /// The decoded reason and the raw revert data it came from.
    case reverted(RevertReason, data: [UInt8])

    /// Reads a node's error for `eth_call`: a revert is JSON-RPC code 3 (geth) or a message
    /// starting "execution reverted" (older nodes, -32000), with the revert data as hex in `data`.
    /// nil when the error is not a revert.
    init?(revertError error: RPCErrorObject) {
        guard error.isExecutionRevert else { return nil }
        var data = [UInt8]()
        if let text = error.data?.stringValue ?? error.data?["data"]?.stringValue, let bytes = RPCQuantity.data(text) {
            data = bytes
        }
        self = .reverted(RevertReason(data: data), data: data)
    }

    /// The return data, or nil for a revert.
    public var returnData: [UInt8]? {
        if case .returned(let data) = self { return data }
        return nil
    }
}
