import Ethereum
import Foundation

/// A buyer key for tests: random, or a fixed one to pay twice as the same buyer.
enum PrivateKeyText: Sendable {
    case random
    case fixed(String)

    func key() throws -> PrivateKey {
        switch self {
        case .random: try PrivateKey(hex: "0x" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 1...200)) }.joined())
        case .fixed(let hex): try PrivateKey(hex: hex)
        }
    }
}
