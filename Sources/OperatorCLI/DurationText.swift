/// Durations as operators read and type them: `2m13s`, `45s`, `1h02m`, `3d4h`. Ages in
/// tables, thresholds on command lines (`--older-than 5m`, `--sent-age-warning 60s`).
public enum DurationText {
    /// `seconds` shortened to its two largest units: `0s`, `4s`, `2m13s`, `1h02m`, `3d04h`.
    /// Fractions below 10 s keep one decimal (`4.2s`), so sub-minute averages stay readable.
    public static func format(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let value = max(0, seconds)
        if value < 10, value.rounded() != value {
            return tenthsText(value) + "s"
        }
        let total = Int(value.rounded())
        let (days, hours, minutes, secs) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60)
        if days > 0 { return "\(days)d\(twoDigits(hours))h" }
        if hours > 0 { return "\(hours)h\(twoDigits(minutes))m" }
        if minutes > 0 { return "\(minutes)m\(twoDigits(secs))s" }
        return "\(secs)s"
    }

    /// Reads `90`, `90s`, `5m`, `1h30m`, `2d`, `1.5s`: a number of seconds, or numbers each
    /// followed by `d`, `h`, `m` or `s`. Nil for anything else (including negative values).
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if let plain = Double(trimmed), plain >= 0, plain.isFinite, trimmed.first != "+" { return plain }
        var total = 0.0
        var number = ""
        for character in trimmed {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            let unit: Double
            switch character {
            case "d": unit = 86_400
            case "h": unit = 3600
            case "m": unit = 60
            case "s": unit = 1
            default: return nil
            }
            guard let value = Double(number) else { return nil }
            total += value * unit
            number = ""
        }
        return number.isEmpty ? total : nil
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func tenthsText(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
