/// One Nagios performance datum: `'label'=value[unit];[warn];[crit];[min];[max]`. A value
/// that cannot be measured (nothing settled yet) is `U`, as the plugin guidelines say.
public struct PerfDatum: Sendable, Equatable {
    public var label: String
    public var value: Double?
    public var unit: String
    public var warning: String
    public var critical: String
    public var minimum: String
    public var maximum: String

    public init(_ label: String, _ value: Double?, unit: String = "", warning: String = "", critical: String = "",
                minimum: String = "0", maximum: String = "") {
        self.label = label
        self.value = value
        self.unit = unit
        self.warning = warning
        self.critical = critical
        self.minimum = minimum
        self.maximum = maximum
    }

    public var text: String {
        let shown = value.map { Self.number($0) + unit } ?? "U"
        var fields = [shown, warning, critical, minimum, maximum]
        while fields.count > 1 && fields.last == "" { fields.removeLast() }
        return "\(label)=" + fields.joined(separator: ";")
    }

    /// Plain decimal, at most one fraction digit, no exponent: `4`, `4.2`, `120`.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "U" }
        let tenths = (value * 10).rounded()
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return String(Int64(tenths / 10)) }
        let sign = tenths < 0 ? "-" : ""
        let magnitude = Int64(abs(tenths))
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
