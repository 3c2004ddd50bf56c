/// An error that carries a stable machine code.
///
/// Every error type in paymentd conforms, so that whatever fails deep in a wrapper reaches the
/// line protocol's `error.code` unchanged: `code` is snake_case and never renamed once shipped;
/// `description` is a sentence for a person that says what went wrong and what to do.
public protocol CodedError: Error, CustomStringConvertible, Sendable {
    /// Stable snake_case identifier, e.g. `invalid_signature`.
    var code: String { get }
}
