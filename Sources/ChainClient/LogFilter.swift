import Ethereum
import JSON

/// An `eth_getLogs` query: which contracts, which topics, which blocks.
///
/// Topics are positional: `topics[i]` nil matches anything in position i, `[a]` matches a, and
/// `[a, b]` matches a or b. That is how one query asks for the `AuthorizationUsed` events of many
/// (authorizer, nonce) pairs at once.
public struct LogFilter: Sendable, Hashable {
    /// A block range, or exactly one block by hash (which survives a reorg unambiguously).
    public enum Range: Sendable, Hashable {
        case blocks(from: BlockTag, to: BlockTag)
        case blockHash(Bytes32)
    }

    /// Empty matches every contract.
    public var addresses: [Address]
    public var topics: [[Bytes32]?]
    public var range: Range

    public init(addresses: [Address] = [], topics: [[Bytes32]?] = [], range: Range) {
        self.addresses = addresses
        self.topics = topics
        self.range = range
    }

    /// The filter object as `eth_getLogs` takes it.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        switch range {
        case .blocks(let from, let to):
            fields["fromBlock"] = from.json
            fields["toBlock"] = to.json
        case .blockHash(let hash):
            fields["blockHash"] = RPCParameter.hash(hash)
        }
        if addresses.count == 1 {
            fields["address"] = RPCParameter.address(addresses[0])
        } else if !addresses.isEmpty {
            fields["address"] = .array(addresses.map(RPCParameter.address))
        }
        if !topics.isEmpty {
            fields["topics"] = .array(topics.map { position in
                guard let position else { return .null }
                return position.count == 1 ? RPCParameter.hash(position[0]) : .array(position.map(RPCParameter.hash))
            })
        }
        return .object(fields)
    }
}
