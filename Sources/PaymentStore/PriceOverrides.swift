import PaymentModel
import Postgres

/// One row of `paymentd_prices`: the operator's `PriceOverride`, with the product stored as a
/// mint token's lowercase address or `deploy`.
public typealias PriceOverrideRow = PriceOverride

extension PriceOverride {
    /// The row's spelling of the payment token's column.
    public init(product: String, paymentTokenAddress: String, unitPrice: String, maxQuantity: Int) {
        self.init(product: product, paymentToken: paymentTokenAddress, unitPrice: unitPrice, maxQuantity: maxQuantity)
    }

    public var paymentTokenAddress: String { paymentToken }
}

/// Every statement on `paymentd_prices`, the price overrides operators edit.
public enum PriceOverrides {
    /// Every override, by product.
    public static func all(on conn: PostgresConnection) throws(StoreError) -> [PriceOverrideRow] {
        try StoreError.wrap {
            try conn.query("""
                SELECT product, payment_token_address, unit_price::text AS unit_price, max_quantity
                FROM paymentd_prices ORDER BY product
                """).rows.map {
                PriceOverrideRow(product: try $0.string("product"), paymentTokenAddress: try $0.string("payment_token_address"),
                                 unitPrice: try $0.string("unit_price"), maxQuantity: Int(try $0.int64("max_quantity")))
            }
        }
    }

    /// Inserts or replaces the override of `row.product` (stored in lowercase).
    public static func set(_ row: PriceOverrideRow, on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.query("""
                INSERT INTO paymentd_prices (product, payment_token_address, unit_price, max_quantity, updated_at)
                VALUES (lower($1), $2, $3::numeric, $4::int, now())
                ON CONFLICT (product) DO UPDATE SET payment_token_address = EXCLUDED.payment_token_address,
                    unit_price = EXCLUDED.unit_price, max_quantity = EXCLUDED.max_quantity, updated_at = now()
                """, [row.product, row.paymentTokenAddress, row.unitPrice, String(row.maxQuantity)])
        }
    }

    /// Removes the override of `product`; its configured price applies again after a reload.
    public static func remove(product: String, on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.query("DELETE FROM paymentd_prices WHERE product = lower($1)", [product])
        }
    }
}
