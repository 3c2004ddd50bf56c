/// A harness could not set up what a test needs; the message says what to install or fix.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
