import PaymentModel

/// How many more transactions a signer's balance pays for at current fees: its balance
/// divided by what one of its transactions costs, both as the daemon reported them. Nil
/// when the daemon did not report them (it reads them from the chain; older daemons don't).
public enum SignerFunds {
    public static func transactionsLeft(_ signer: SignerState) -> UInt64? {
        guard let balance = signer.balanceWei.flatMap(parse), let cost = signer.transactionCostWei.flatMap(parse), cost > 0 else { return nil }
        let left = balance / cost
        return left > UInt128(UInt64.max) ? UInt64.max : UInt64(left)
    }

    /// A decimal string as a 128-bit integer, saturating (a balance above 3.4e38 wei is plenty).
    static func parse(_ text: String) -> UInt128? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var value: UInt128 = 0
        for digit in text.utf8 {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt128(digit - 48))
            if overflow || overflow2 { return UInt128.max }
            value = sum
        }
        return value
    }
}
