/// A coding key for a position in an array (or a fixed name such as `super`), so that the
/// `Codable` bridges report where in a value an error is, as `JSONDecoder` does.
struct JSONIndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}
