extension UInt256 {
    // MARK: Overflow-reporting operations (never trap, never wrap silently)

    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var carry = false
        for index in 0..<4 {
            let (sum, overflowA) = self[limb: index].addingReportingOverflow(other[limb: index])
            let (sumWithCarry, overflowB) = sum.addingReportingOverflow(carry ? 1 : 0)
            result[limb: index] = sumWithCarry
            carry = overflowA || overflowB
        }
        return (result, carry)
    }

    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var borrow = false
        for index in 0..<4 {
            let (difference, overflowA) = self[limb: index].subtractingReportingOverflow(other[limb: index])
            let (differenceWithBorrow, overflowB) = difference.subtractingReportingOverflow(borrow ? 1 : 0)
            result[limb: index] = differenceWithBorrow
            borrow = overflowA || overflowB
        }
        return (result, borrow)
    }

    /// The low 256 bits of the product, and whether any higher bit was set.
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var overflow = false
        for i in 0..<4 where self[limb: i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (high, low) = self[limb: i].multipliedFullWidth(by: other[limb: j])
                guard i + j < 4 else {
                    if high != 0 || low != 0 { overflow = true }
                    continue
                }
                let (partial, overflowA) = result[limb: i + j].addingReportingOverflow(low)
                let (withCarry, overflowB) = partial.addingReportingOverflow(carry)
                result[limb: i + j] = withCarry
                // limb × limb + limb + carry ≤ 2^128 - 1, so its high half (high + carries) fits in 64 bits.
                carry = high + (overflowA ? 1 : 0) + (overflowB ? 1 : 0)
            }
            if carry != 0 { overflow = true }
        }
        return (result, overflow)
    }

    /// Quotient and remainder; nil for a zero divisor.
    public func quotientAndRemainderReportingZero(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256)? {
        guard !divisor.isZero else { return nil }
        if let small = divisor.uint64Value {
            let (quotient, remainder) = quotientAndRemainder(dividingBy: small)
            return (quotient, UInt256(remainder))
        }
        if self < divisor { return (.zero, self) }
        // Binary long division from the dividend's highest set bit; the divisor has at least
        // 65 bits here, so at most 192 steps, each a shift, a compare and a subtract.
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        for index in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder = remainder.shiftedLeftByOne(insertingLowBit: bit(index))
            if remainder >= divisor {
                remainder = remainder.subtractingReportingOverflow(divisor).partialValue
                quotient[limb: index / 64] |= 1 << UInt64(index % 64)
            }
        }
        return (quotient, remainder)
    }

    /// Division by a non-zero 64-bit divisor, limb by limb (used for decimal printing and fee
    /// ratios such as `fee * 12 / 10`).
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "UInt256 division by zero")
        var quotient = UInt256.zero
        var remainder: UInt64 = 0
        for index in stride(from: 3, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((high: remainder, low: self[limb: index]))
            quotient[limb: index] = q
            remainder = r
        }
        return (quotient, remainder)
    }

    private func shiftedLeftByOne(insertingLowBit lowBit: Bool) -> UInt256 {
        UInt256(w0: w0 << 1 | (lowBit ? 1 : 0), w1: w1 << 1 | w0 >> 63, w2: w2 << 1 | w1 >> 63, w3: w3 << 1 | w2 >> 63)
    }

    // MARK: Throwing operations (for values that come from outside)

    public func checkedAdding(_ other: UInt256) throws(EthereumError) -> UInt256 {
        let (value, overflow) = addingReportingOverflow(other)
        guard !overflow else { throw .uint256Overflow("\(self) + \(other) exceeds 2^256 - 1") }
        return value
    }

    public func checkedSubtracting(_ other: UInt256) throws(EthereumError) -> UInt256 {
        let (value, overflow) = subtractingReportingOverflow(other)
        guard !overflow else { throw .uint256Overflow("\(self) - \(other) is negative") }
        return value
    }

    public func checkedMultiplied(by other: UInt256) throws(EthereumError) -> UInt256 {
        let (value, overflow) = multipliedReportingOverflow(by: other)
        guard !overflow else { throw .uint256Overflow("\(self) × \(other) exceeds 2^256 - 1") }
        return value
    }

    public func checkedDivided(by other: UInt256) throws(EthereumError) -> UInt256 {
        guard let result = quotientAndRemainderReportingZero(dividingBy: other) else { throw .divisionByZero }
        return result.quotient
    }

    public func checkedRemainder(dividingBy other: UInt256) throws(EthereumError) -> UInt256 {
        guard let result = quotientAndRemainderReportingZero(dividingBy: other) else { throw .divisionByZero }
        return result.remainder
    }

    // MARK: Trapping operators (like Swift's fixed-width integers)

    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.addingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 addition overflowed")
        return value
    }

    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.subtractingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 subtraction underflowed")
        return value
    }

    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!overflow, "UInt256 multiplication overflowed")
        return value
    }

    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        guard let result = lhs.quotientAndRemainderReportingZero(dividingBy: rhs) else {
            preconditionFailure("UInt256 division by zero")
        }
        return result.quotient
    }

    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        guard let result = lhs.quotientAndRemainderReportingZero(dividingBy: rhs) else {
            preconditionFailure("UInt256 remainder by zero")
        }
        return result.remainder
    }

    public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }
    public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }
    public static func *= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs * rhs }
}
