import JSON
import PaymentModel

extension PaymentStats {
    /// What `stats` returns: `counts` with all six statuses, the monitoring numbers, the
    /// signers, and, for clients of the replaced system, its flat shape alongside:
    /// the six counts as top-level keys and `nonceState: {currentNonce, lastUsedNonce}` (of the
    /// first payment signer; `null`s when there is none).
    public var wireValue: JSONValue {
        var fields: [String: JSONValue] = [
            "counts": .object(Dictionary(uniqueKeysWithValues: PaymentStatus.allCases.map {
                ($0.rawValue, JSONValue.int(Int64(counts[$0] ?? 0)))
            })),
            "queue_depth": .int(Int64(queueDepth)),
            "oldest_pending_age_seconds": oldestPendingAgeSeconds.map(JSONValue.double) ?? .null,
            "oldest_sent_age_seconds": oldestSentAgeSeconds.map(JSONValue.double) ?? .null,
            "confirmation_rate": confirmationRate.map(JSONValue.double) ?? .null,
            "average_processing_seconds": averageProcessingSeconds.map(JSONValue.double) ?? .null,
            "mint_counts": .object(Dictionary(uniqueKeysWithValues: MintStatus.allCases.map {
                ($0.rawValue, JSONValue.int(Int64(mintCounts[$0] ?? 0)))
            })),
            "signers": .array(signers.map(\.wireValue)),
            "rpc_endpoint": rpcEndpointInUse.map { .string($0.url) } ?? .null,
            "rpc_endpoints": .array(rpcEndpoints.map(\.wireValue)),
        ]
        for status in PaymentStatus.allCases {
            fields[status.rawValue] = .int(Int64(counts[status] ?? 0))
        }
        let paymentSigner = signers.first { $0.role == .payment }
        fields["nonceState"] = [
            "currentNonce": paymentSigner.map { .int($0.nextNonce) } ?? .null,
            "lastUsedNonce": paymentSigner.flatMap { $0.nextNonce > 0 ? .int($0.nextNonce - 1) : nil } ?? .null,
        ]
        return .object(fields)
    }

    public init(wire value: JSONValue) throws(WireShapeError) {
        let object = try WireObject(value, path: "")
        let countsObject = try object.object("counts")
        var counts: [PaymentStatus: Int] = [:]
        for status in PaymentStatus.allCases {
            counts[status] = Int(try countsObject.optionalInt(status.rawValue) ?? 0)
        }
        var mintCounts: [MintStatus: Int] = [:]
        if object.value("mint_counts") != nil {
            let mintObject = try object.object("mint_counts")
            for status in MintStatus.allCases {
                mintCounts[status] = Int(try mintObject.optionalInt(status.rawValue) ?? 0)
            }
        }
        var signers: [SignerState] = []
        for (index, signer) in (try object.optionalArray("signers") ?? []).enumerated() {
            signers.append(try SignerState(wire: WireObject(signer, path: "signers[\(index)]")))
        }
        var endpoints: [RPCEndpointState] = []
        for (index, endpoint) in (try object.optionalArray("rpc_endpoints") ?? []).enumerated() {
            endpoints.append(try RPCEndpointState(wire: WireObject(endpoint, path: "rpc_endpoints[\(index)]")))
        }
        self.init(
            counts: counts,
            queueDepth: Int(try object.optionalInt("queue_depth") ?? 0),
            oldestPendingAgeSeconds: try object.optionalDouble("oldest_pending_age_seconds"),
            oldestSentAgeSeconds: try object.optionalDouble("oldest_sent_age_seconds"),
            confirmationRate: try object.optionalDouble("confirmation_rate"),
            averageProcessingSeconds: try object.optionalDouble("average_processing_seconds"),
            mintCounts: mintCounts,
            signers: signers,
            rpcEndpoints: endpoints)
    }
}

extension RPCEndpointState {
    public var wireValue: JSONValue {
        [
            "url": .string(url),
            "in_use": .bool(inUse),
            "health": .string(health.rawValue),
            "consecutive_failures": .int(Int64(consecutiveFailures)),
            "retry_in_seconds": retryInSeconds.map(JSONValue.double) ?? .null,
            "last_error": lastError.map(JSONValue.string) ?? .null,
        ]
    }

    init(wire object: WireObject) throws(WireShapeError) {
        self.init(
            url: try object.string("url"),
            inUse: try object.bool("in_use"),
            health: try object.enumeration("health", Health.self),
            consecutiveFailures: Int(try object.optionalInt("consecutive_failures") ?? 0),
            retryInSeconds: try object.optionalDouble("retry_in_seconds"),
            lastError: try object.optionalString("last_error"))
    }
}

extension SignerState {
    public var wireValue: JSONValue {
        [
            "address": .string(address),
            "role": .string(role.rawValue),
            "next_nonce": .int(nextNonce),
            "mined_nonce": minedNonce.map(JSONValue.int) ?? .null,
            "in_flight": .int(Int64(inFlight)),
            "paused_reason": pausedReason.map(JSONValue.string) ?? .null,
        ]
    }

    init(wire object: WireObject) throws(WireShapeError) {
        guard let role = Role(rawValue: try object.string("role")) else {
            throw object.error("role", "must be \"payment\" or \"mint\"")
        }
        self.init(
            address: try object.string("address"),
            role: role,
            nextNonce: try object.int("next_nonce"),
            minedNonce: try object.optionalInt("mined_nonce"),
            inFlight: Int(try object.optionalInt("in_flight") ?? 0),
            pausedReason: try object.optionalString("paused_reason"))
    }
}
