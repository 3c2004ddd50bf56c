import Postgres

/// Every statement on `system_settings`: the replaced system's key/value table, shared with it.
public enum SystemSettings {
    /// All rows, with their descriptions.
    public static func all(on conn: PostgresConnection) throws(StoreError) -> [(key: String, value: String, description: String?)] {
        try StoreError.wrap {
            try conn.query("SELECT key, value, description FROM system_settings ORDER BY key").rows.map {
                (key: try $0.string("key"), value: try $0.string("value"), description: try $0.text("description"))
            }
        }
    }

    /// Inserts or replaces one value, keeping an existing description unless one is given.
    public static func set(key: String, value: String, description: String?, on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.query("""
                INSERT INTO system_settings (key, value, description, updated_at) VALUES ($1, $2, $3, now())
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,
                    description = coalesce(EXCLUDED.description, system_settings.description), updated_at = now()
                """, [key, value, description])
        }
    }
}
