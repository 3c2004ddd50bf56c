/// Encodes Swift values as a PostgreSQL array literal (`{"a","b",NULL}`), so a batch can travel
/// as one text parameter and be expanded with `unnest($1::text[])`: one round trip per batch
/// instead of one per row.
public enum PostgresArrayLiteral {
    public static func encode(_ elements: [String?]) -> String {
        var out = "{"
        for (i, element) in elements.enumerated() {
            if i > 0 { out += "," }
            guard let element else {
                out += "NULL"
                continue
            }
            out += "\""
            for ch in element {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }
}
