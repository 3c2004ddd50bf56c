/// How a resource route answers a payment it accepted.
///
/// `async` is the seed's: 202 with the payment id and a status URL at once. `settle` holds the
/// request until the payment completes (200 with the transaction) or a deadline passes (202,
/// pending): a buyer's SDK that never polls still learns the transaction when it is quick.
public enum AnswerMode: String, Sendable, CaseIterable {
    case async
    case settle
}
