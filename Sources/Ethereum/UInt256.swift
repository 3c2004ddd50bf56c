/// An unsigned 256-bit integer: the EVM word, used for token amounts, fees, authorization
/// validity times and chain values.
///
/// It exists because amounts must never pass through `Double` or a lossy string, and because the
/// EVM's arithmetic wraps where money must not: every operation here either reports overflow
/// (`…ReportingOverflow`), throws (`checked…`) or traps (`+ - * / %`, like Swift's integers);
/// nothing wraps silently. Four 64-bit limbs, least significant first.
public struct UInt256: Sendable, Hashable {
    var w0: UInt64
    var w1: UInt64
    var w2: UInt64
    var w3: UInt64

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    public init(_ value: UInt64) {
        self.init(w0: value, w1: 0, w2: 0, w3: 0)
    }

    public static let zero = UInt256(0)
    public static let max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max)

    public var isZero: Bool { w0 | w1 | w2 | w3 == 0 }

    /// The value as a `UInt64`, or nil when it needs more than 64 bits.
    public var uint64Value: UInt64? { w1 | w2 | w3 == 0 ? w0 : nil }

    /// Limb `index` (0 = least significant).
    subscript(limb index: Int) -> UInt64 {
        get {
            switch index {
            case 0: w0
            case 1: w1
            case 2: w2
            case 3: w3
            default: 0
            }
        }
        set {
            switch index {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            case 3: w3 = newValue
            default: preconditionFailure("UInt256 has four limbs")
            }
        }
    }

    /// The number of significant bits (0 for zero).
    public var bitWidth: Int {
        if w3 != 0 { return 256 - w3.leadingZeroBitCount }
        if w2 != 0 { return 192 - w2.leadingZeroBitCount }
        if w1 != 0 { return 128 - w1.leadingZeroBitCount }
        return 64 - w0.leadingZeroBitCount
    }

    /// Bit `index` (0 = least significant).
    func bit(_ index: Int) -> Bool {
        (self[limb: index / 64] >> UInt64(index % 64)) & 1 == 1
    }
}

extension UInt256: Comparable {
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}

extension UInt256: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }
}

extension UInt256: CustomStringConvertible {
    /// The decimal digits, without separators.
    public var description: String { decimalString }
}
