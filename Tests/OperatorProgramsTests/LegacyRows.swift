import Foundation

/// Rows seeded straight into the daemon's tables to put its `stats` in a given state: shaped
/// like the replaced system's (no signer, no signed bytes) and in a payment token the daemon
/// is not configured for, so its loops leave them as they are — a `sent` row waits for a
/// receipt of its own hash that never comes, a `pending` row is not due before tomorrow, a
/// settled row has no block to re-check. Each row's id starts with `eeee`, so one statement
/// removes them all again.
enum LegacyRows {
    static let token = "0x000000000000000000000000000000000000dEaD"

    static func payment(_ index: Int, status: String, createdSecondsAgo: Int, processedSecondsAgo: Int?, extra: String = "") -> String {
        let id = String(format: "eeeeeeee-0000-4000-8000-%012d", index)
        let nonce = "0x" + String(repeating: "0", count: 56) + String(format: "%08d", index)
        let authorization = #"{"from":"0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9","to":"0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084","value":"1000","validAfter":"0","validBefore":"1900000000","nonce":"\#(nonce)","signature":"0x\#(String(repeating: "ab", count: 65))"}"#
        let processed = processedSecondsAgo.map { "now() - interval '\($0) seconds'" } ?? "NULL"
        return """
            INSERT INTO payment_queue (id, payment_type, token_address, "authorization", payer, amount, payment_token_address, status, tx_hash,
                                       created_at, processed_at, next_attempt_at, settlement_lost, reorged_at)
            VALUES ('\(id)', 'mint', '0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084', '\(authorization)'::jsonb,
                    '0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9', '1000', '\(token)', '\(status)', '0x\(String(repeating: "e", count: 56))\(String(format: "%08d", index))',
                    now() - interval '\(createdSecondsAgo) seconds', \(processed), now() + interval '1 day', \(extra.isEmpty ? "NULL, NULL" : extra));
            """
    }

    /// `count` failed legacy mint jobs numbered from `first` (dedupe hashes are unique).
    static func failedMintJobs(_ count: Int, first: Int = 1) -> String {
        """
        INSERT INTO mint_queue (payer_address, tx_hash_bytes32, token_address, status, error_message)
        SELECT '0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9', '0xeeee' || lpad(n::text, 60, '0'), NULL, 'failed', 'seeded by a test'
        FROM generate_series(\(first), \(first + count - 1)) AS n;
        """
    }

    static let removeAll = """
        DELETE FROM payment_queue WHERE id::text LIKE 'eeeeeeee-%';
        DELETE FROM mint_queue WHERE tx_hash_bytes32 LIKE '0xeeee%';
        """
}
