import Ethereum
import Foundation
import Postgres

/// A zero-value transfer from a signer to itself, signed to fill a nonce nothing else holds.
public struct NonceFiller: Sendable, Hashable {
    public var signer: Address
    public var nonce: UInt64
    public var rawTx: [UInt8]
    public var txHash: Bytes32
    /// When these bytes were signed (the fee-bump clock); now for a filler not recorded yet.
    public var signedAt: Date

    public init(signer: Address, nonce: UInt64, rawTx: [UInt8], txHash: Bytes32, signedAt: Date = Date()) {
        self.signer = signer
        self.nonce = nonce
        self.rawTx = rawTx
        self.txHash = txHash
        self.signedAt = signedAt
    }
}

/// Every statement on `nonce_fillers`. A filler is recorded before it is broadcast, like every
/// signed transaction: after a crash or a reorg its nonce is re-used only by these bytes.
public enum NonceFillers {
    /// Records fillers; returns the ones recorded now (a nonce that already has one keeps it).
    public static func record(_ fillers: [NonceFiller], on conn: PostgresConnection) throws(StoreError) -> [NonceFiller] {
        guard !fillers.isEmpty else { return [] }
        return try StoreError.wrap {
            let inserted = try conn.query("""
                INSERT INTO nonce_fillers (signer, nonce, raw_tx, tx_hash)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
                ON CONFLICT DO NOTHING
                RETURNING nonce
                """, [PostgresArrayLiteral.encode(fillers.map(\.signer.checksummed)), PostgresArrayLiteral.encode(fillers.map { String($0.nonce) }),
                      PostgresArrayLiteral.encode(fillers.map { Hex.encode($0.rawTx) }), PostgresArrayLiteral.encode(fillers.map(\.txHash.hex))])
            let nonces = Set(try inserted.rows.map { UInt64(try $0.int64("nonce")) })
            return fillers.filter { nonces.contains($0.nonce) }
        }
    }

    /// The fillers of `signer` at `from` or above, lowest nonce first: the ones not mined yet
    /// when `from` is its mined nonce.
    public static func from(signer: Address, nonce from: UInt64, on conn: PostgresConnection) throws(StoreError) -> [NonceFiller] {
        try StoreError.wrap {
            try conn.query("""
                SELECT signer, nonce, raw_tx, tx_hash, extract(epoch FROM signed_at)::float8 AS signed_epoch FROM nonce_fillers WHERE lower(signer) = lower($1) AND nonce >= $2 ORDER BY nonce
                """, [signer.checksummed, String(from)]).rows.map { row in
                    guard let signerText = try row.text("signer"), let raw = try row.text("raw_tx"), let hash = try row.text("tx_hash") else {
                        throw StoreError.corruptRow(table: "nonce_fillers", id: "?", reason: "a column is null")
                    }
                    do {
                        return NonceFiller(signer: try Address(hex: signerText), nonce: UInt64(try row.int64("nonce")), rawTx: try Hex.decode(raw),
                                           txHash: try Bytes32(hex: hash), signedAt: Date(timeIntervalSince1970: try row.double("signed_epoch")))
                    } catch {
                        throw StoreError.corruptRow(table: "nonce_fillers", id: "\(signerText)#\(try row.int64("nonce"))", reason: "\(error)")
                    }
                }
        }
    }

    /// Puts `filler`'s bytes (signed again at its nonce, with higher fees) in place of the
    /// recorded ones whose hash is `previous`; false when that record is gone or was replaced
    /// meanwhile (another instance, an earlier iteration): then the recorded bytes stand.
    public static func replace(_ filler: NonceFiller, previous: Bytes32, on conn: PostgresConnection) throws(StoreError) -> Bool {
        try StoreError.wrap {
            try conn.query("""
                UPDATE nonce_fillers SET raw_tx = $3, tx_hash = $4, signed_at = now()
                WHERE lower(signer) = lower($1) AND nonce = $2 AND lower(tx_hash) = lower($5)
                RETURNING nonce
                """, [filler.signer.checksummed, String(filler.nonce), Hex.encode(filler.rawTx), filler.txHash.hex, previous.hex]).rows.count == 1
        }
    }
}
