/// An amount of a token written in its units (`1.5` USDC) from its atomic decimal string
/// (`1500000`), and back. The protocol carries atomic units only; people read token units.
/// Pure text arithmetic, so any uint256 amount converts exactly.
public enum TokenAmount {
    /// USDC's decimals: every EIP-3009 payment token paymentd settles in is USDC.
    public static let usdcDecimals = 6

    /// `atomic` (digits) in token units with trailing fraction zeros dropped: `1500000` → `1.5`,
    /// `1000` → `0.001`, `0` → `0`. Text that is not digits is returned as it is.
    public static func units(_ atomic: String, decimals: Int = usdcDecimals) -> String {
        guard !atomic.isEmpty, atomic.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return atomic }
        var digits = String(atomic.drop { $0 == "0" })
        if digits.isEmpty { return "0" }
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let whole = digits.dropLast(decimals)
        var fraction = Substring(digits.suffix(decimals))
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }

    /// How payctl shows an amount: token units, and with `atomic` the atomic value beside it
    /// (`0.001 (1000)`).
    public static func display(_ atomic: String, showAtomic: Bool, decimals: Int = usdcDecimals) -> String {
        let shown = units(atomic, decimals: decimals)
        return showAtomic ? "\(shown) (\(atomic))" : shown
    }

    /// Token units (`1.5`, `0.001`, `2`) to atomic digits, nil for anything else or more
    /// fraction digits than the token has.
    public static func atomic(fromUnits text: String, decimals: Int = usdcDecimals) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let wholePart = parts.first else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(wholePart.isEmpty && fraction.isEmpty), fraction.count <= decimals,
              (wholePart + fraction).utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let digits = (wholePart + fraction + String(repeating: "0", count: decimals - fraction.count)).drop { $0 == "0" }
        return digits.isEmpty ? "0" : String(digits)
    }
}
