import Foundation

/// Payment ids on the wire: UUIDs, either case in, lowercase out (as Postgres prints them).
public enum PaymentID {
    /// The lowercase form of a UUID string, or nil if `text` is not one.
    public static func canonical(_ text: String) -> String? {
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else { return nil }
        return uuid.uuidString.lowercased()
    }
}
