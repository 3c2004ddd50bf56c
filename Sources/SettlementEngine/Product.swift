import Ethereum
import Foundation
import PaymentModel

/// What a payment buys, as the price list knows it: items of one mint contract, or a
/// deployment (the replaced system's `deploy` payments, which mint nothing here).
public enum Product: Sendable, Hashable, CustomStringConvertible {
    case mint(Address)
    case deploy

    /// The word that names a deployment in configuration and in `paymentd_prices.product`.
    public static let deployWord = "deploy"

    /// Reads a mint contract's address or the word `deploy`.
    public init(parsing text: String) throws(PriceListError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == Self.deployWord {
            self = .deploy
            return
        }
        do {
            self = .mint(try Address(hex: trimmed))
        } catch {
            throw PriceListError("\(trimmed) is neither a mint token address nor `deploy` (\(error.description))")
        }
    }

    /// The product a payment of `type` buys; nil for a mint payment that names no token.
    init?(type: PaymentType, mintToken: Address?) {
        switch type {
        case .deploy: self = .deploy
        case .mint:
            guard let mintToken else { return nil }
            self = .mint(mintToken)
        }
    }

    /// The spelling stored in `paymentd_prices.product`: lowercase address, or `deploy`.
    public var storedKey: String {
        switch self {
        case .mint(let token): token.checksummed.lowercased()
        case .deploy: Self.deployWord
        }
    }

    public var description: String {
        switch self {
        case .mint(let token): token.checksummed
        case .deploy: Self.deployWord
        }
    }
}
