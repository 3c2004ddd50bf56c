import ErrorCoding
import HTTPPost
import JSON

/// An error object a JSON-RPC node returned instead of a result: `{code, message, data?}`.
///
/// It is kept whole (code, the node's own sentence, and any data such as revert bytes) because
/// the engine's decisions depend on it: a pool refusal, a revert and a rate limit look alike
/// except for these fields.
public struct RPCErrorObject: Error, Sendable, Hashable {
    public let code: Int
    public let message: String
    public let data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }
}

extension RPCErrorObject: CustomStringConvertible {
    public var description: String { "\(code): \(message)" }
}

extension RPCErrorObject {
    /// Whether the node says the call itself reverted (JSON-RPC code 3 on geth-like nodes, or a
    /// message starting "execution reverted" on older ones), as opposed to a node or transport
    /// trouble: only a revert says anything about the call.
    public var isExecutionRevert: Bool {
        let lower = message.lowercased()
        return code == 3 || lower.hasPrefix("execution reverted") || lower.hasPrefix("reverted")
    }
}

extension RPCErrorObject {
    /// Whether the node refused an `eth_getLogs` for spanning too many blocks (or returning too
    /// many logs): hosted providers answer -32005 or -32602 with sentences such as "query
    /// exceeds max block range 2000", "block range too large", "query returned more than 10000
    /// results". A rate limit or spent credits is not one: asking for fewer blocks would not help.
    public var isLogRangeRefusal: Bool {
        let lower = message.lowercased()
        if ["rate", "request count", "credit", "daily", "per second", "capacity"].contains(where: lower.contains) { return false }
        return ["range", "too many", "more than", "exceed", "too large", "limit"].contains(where: lower.contains)
    }
}

/// Why a chain request failed.
///
/// Three different situations call for three different reactions: the node could not be
/// reached or did not answer (retry later; whether a sent transaction arrived is unknown), the
/// node refused the request (read the error), or the node answered something this client cannot
/// read (a bug or a misbehaving node; never guessed around).
public enum ChainError: CodedError, Equatable {
    /// No usable HTTP answer: refused, reset, timed out, or a non-2xx status.
    case transport(HTTPPostError)
    /// The node answered with a JSON-RPC error object for `method`.
    case rpc(method: String, RPCErrorObject)
    /// The node's answer to `method` is not the JSON-RPC shape or field encoding expected.
    case malformedResponse(method: String, String)
    /// No configured endpoint may be used (each serves another chain).
    case noUsableEndpoint(String)

    public var code: String {
        switch self {
        case .transport, .noUsableEndpoint: "rpc_unavailable"
        case .rpc: "rpc_error"
        case .malformedResponse: "rpc_malformed_response"
        }
    }

    public var description: String {
        switch self {
        case .transport(let error):
            "\(error.description) Check that the RPC node is running and reachable; the request may or may not have been processed."
        case .rpc(let method, let error):
            "The RPC node refused \(method) with error \(error.code): \(error.message)"
        case .noUsableEndpoint(let reason):
            "No RPC endpoint can be used: \(reason). Fix rpc_urls."
        case .malformedResponse(let method, let detail):
            "The RPC node's answer to \(method) could not be read: \(detail). Check that the URL points at an Ethereum JSON-RPC node."
        }
    }
}
