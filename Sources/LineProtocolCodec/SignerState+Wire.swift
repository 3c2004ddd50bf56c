import JSON
import PaymentModel

/// One signer (hot wallet) as `stats` reports it: its nonces, what is in flight, why it is
/// paused, if it is, and (when the daemon read them) its balance and what one of its
/// transactions costs. Daemons that do not report the last two send `null`, and a reply
/// without those keys reads as nil.
extension SignerState {
    public var wireValue: JSONValue {
        [
            "address": .string(address),
            "role": .string(role.rawValue),
            "next_nonce": .int(nextNonce),
            "mined_nonce": minedNonce.map(JSONValue.int) ?? .null,
            "in_flight": .int(Int64(inFlight)),
            "paused_reason": pausedReason.map(JSONValue.string) ?? .null,
            "balance_wei": balanceWei.map(JSONValue.string) ?? .null,
            "transaction_cost_wei": transactionCostWei.map(JSONValue.string) ?? .null,
        ]
    }

    init(wire object: JSONObjectReader) throws(JSONShapeError) {
        guard let role = Role(rawValue: try object.string("role")) else {
            throw object.error("role", "must be \"payment\" or \"mint\"")
        }
        self.init(
            address: try object.string("address"),
            role: role,
            nextNonce: try object.int("next_nonce"),
            minedNonce: try object.optionalInt("mined_nonce"),
            inFlight: Int(try object.optionalInt("in_flight") ?? 0),
            pausedReason: try object.optionalString("paused_reason"),
            balanceWei: try object.optionalDecimalText("balance_wei"),
            transactionCostWei: try object.optionalDecimalText("transaction_cost_wei"))
    }
}
