/// The progress of a long run as one line: `[########------------]  512/1000  51%  312/s  ETA 1.6s`.
/// On a terminal the line is redrawn in place (`\r`); into a file or pipe payctl writes a
/// plain line at every tenth instead (`ProgressLines`), so a log shows the run advancing
/// without a thousand lines.
public enum ProgressBar {
    public static func render(done: Int, total: Int, elapsedSeconds: Double, width: Int = 30) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return "[\(bar)]  \(done)/\(total)  \(Int((fraction * 100).rounded(.down)))%" + rateAndETA(done: done, total: total, elapsedSeconds: elapsedSeconds)
    }

    static func rateAndETA(done: Int, total: Int, elapsedSeconds: Double) -> String {
        guard done > 0, elapsedSeconds > 0 else { return "" }
        let rate = Double(done) / elapsedSeconds
        let remaining = Double(total - done) / rate
        return "  \(Int(rate.rounded()))/s  ETA \(DurationText.format(remaining))"
    }
}

/// Decides which progress lines a non-terminal gets: one each time another tenth is done.
public struct ProgressLines: Sendable {
    public let total: Int
    private var lastTenth = 0

    public init(total: Int) {
        self.total = total
    }

    /// The line to write now that `done` are done, or nil.
    public mutating func line(done: Int, elapsedSeconds: Double) -> String? {
        guard total > 0 else { return nil }
        let tenth = done * 10 / total
        guard tenth > lastTenth else { return nil }
        lastTenth = tenth
        return "progress: \(done)/\(total)  \(done * 100 / total)%" + ProgressBar.rateAndETA(done: done, total: total, elapsedSeconds: elapsedSeconds) + "\n"
    }
}
