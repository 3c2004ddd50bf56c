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
            "settlements_lost": .int(Int64(settlementsLost)),
            "settlements_restoring": .int(Int64(settlementsRestoring)),
            "refunds_due": .int(Int64(refundsDue)),
            "instance": instance.map(JSONValue.string) ?? .null,
            "leases": .object(leases.mapValues(JSONValue.string)),
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

    public init(wire value: JSONValue) throws(JSONShapeError) {
        let object = try JSONObjectReader(value)
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
        let signers = object.value("signers") == nil ? [] : try object.objects("signers").map(SignerState.init(wire:))
        let endpoints = object.value("rpc_endpoints") == nil ? [] : try object.objects("rpc_endpoints").map(RPCEndpointState.init(wire:))
        self.init(
            counts: counts,
            queueDepth: Int(try object.optionalInt("queue_depth") ?? 0),
            oldestPendingAgeSeconds: try object.optionalDouble("oldest_pending_age_seconds"),
            oldestSentAgeSeconds: try object.optionalDouble("oldest_sent_age_seconds"),
            confirmationRate: try object.optionalDouble("confirmation_rate"),
            averageProcessingSeconds: try object.optionalDouble("average_processing_seconds"),
            mintCounts: mintCounts,
            signers: signers,
            rpcEndpoints: endpoints,
            settlementsLost: Int(try object.optionalInt("settlements_lost") ?? 0),
            settlementsRestoring: Int(try object.optionalInt("settlements_restoring") ?? 0),
            refundsDue: Int(try object.optionalInt("refunds_due") ?? 0),
            instance: try object.optionalString("instance"),
            leases: try Self.leases(object))
    }

    private static func leases(_ object: JSONObjectReader) throws(JSONShapeError) -> [String: String] {
        guard case .object(let fields)? = object.value("leases") else { return [:] }
        var leases: [String: String] = [:]
        for (resource, holder) in fields {
            guard case .string(let instance) = holder else { throw object.error("leases.\(resource)", "must be a string") }
            leases[resource] = instance
        }
        return leases
    }
}
