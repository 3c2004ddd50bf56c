/// One live tunable from `system_settings`.
public struct Setting: Sendable, Hashable {
    public var key: String
    public var value: String
    public var description: String

    public init(key: String, value: String, description: String) {
        self.key = key
        self.value = value
        self.description = description
    }
}
