/// What the payment buys. The replaced system knows `deploy` and `mint`; a `mint` payment names
/// the token contract whose tokens are minted once it settles.
public enum PaymentType: String, Sendable, Codable, CaseIterable, Hashable {
    case deploy
    case mint
}
