#if canImport(Glibc)
import Glibc
#endif
import PaymentModel

/// Whether output goes to a person at a terminal (colours, abbreviated hashes, redrawn
/// views) or to a pipe or file (plain text, full values, stable columns). Decided once per
/// stream: colour only on a terminal, never when `NO_COLOR` is set (no-color.org) or
/// `TERM=dumb`.
public struct TerminalStyle: Sendable, Equatable {
    /// The stream is a terminal.
    public var isTerminal: Bool
    /// Colours may be used.
    public var colors: Bool

    public init(isTerminal: Bool, colors: Bool) {
        self.isTerminal = isTerminal
        self.colors = colors && isTerminal
    }

    /// Plain output, as for a pipe.
    public static let plain = TerminalStyle(isTerminal: false, colors: false)

    /// The style of file descriptor `descriptor` (1 for standard output) in `environment`.
    public static func detect(descriptor: Int32 = 1, environment: [String: String]) -> TerminalStyle {
        let terminal = isatty(descriptor) == 1
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let dumb = environment["TERM"] == "dumb"
        return TerminalStyle(isTerminal: terminal, colors: !noColor && !dumb)
    }

    /// `text` in the colour of `status` (plain without colours).
    public func status(_ status: PaymentStatus) -> String {
        paint(status.rawValue, Self.color(of: status))
    }

    public func mintStatus(_ status: MintStatus) -> String {
        let color: ANSIColor = switch status {
        case .completed: .green
        case .failed: .red
        case .pending, .processing: .yellow
        }
        return paint(status.rawValue, color)
    }

    /// `text` in `color`, or as it is without colours.
    public func paint(_ text: String, _ color: ANSIColor) -> String {
        colors ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String {
        colors ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    static func color(of status: PaymentStatus) -> ANSIColor {
        switch status {
        case .completed: .green
        case .failed, .confirmationFailed: .red
        case .sent: .cyan
        case .pending, .processing: .yellow
        }
    }
}

/// The few SGR colours payctl uses.
public enum ANSIColor: Int, Sendable {
    case red = 31
    case green = 32
    case yellow = 33
    case cyan = 36
    case gray = 90
}
