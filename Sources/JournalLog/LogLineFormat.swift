import Foundation
import Logging

/// How one log record becomes one line of text, for the journal or for a terminal or file.
///
/// journald stamps every line it reads and takes its priority from an sd-daemon(3) prefix
/// (`<4>` for a warning); without one, every line is priority 6 and `journalctl -p warning`
/// finds nothing. So `.journal` lines carry that prefix and no time of their own, and `.plain`
/// lines, read where nothing stamps them, start with an ISO-8601 time and the level's name.
///
/// Both are `label: message key=value …`, the metadata sorted by key, a value with spaces or
/// quotes in double quotes. Line breaks (and NUL, which journald also ends a record at) inside
/// the record are written as `\n`, `\r`, `\0`: one record is always exactly one line.
public enum LogLineFormat: Sendable, Equatable {
    case journal
    case plain

    /// The whole line, newline included.
    func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, at date: Date) -> String {
        var text = ""
        switch self {
        case .journal:
            text += "<\(Self.priority(of: level))>"
        case .plain:
            text += "\(date.formatted(Self.timestamp)) \(level) "
        }
        if !label.isEmpty { text += "\(label): " }
        text += message
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += " \(key)=\(Self.quotedIfNeeded(value.description))"
        }
        return Self.singleLine(text) + "\n"
    }

    /// The sd-daemon(3) priority: `SD_CRIT` 2 through `SD_DEBUG` 7. syslog has no level below
    /// debug, so trace shares 7.
    static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }

    private static let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0 == "\"" || $0.properties.isWhitespace }
        guard needsQuotes else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    /// Scalars, not Characters: "\r\n" is one Character and would slip past a Character test.
    private static func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": result.append(contentsOf: #"\r"#.unicodeScalars)
            case "\0": result.append(contentsOf: #"\0"#.unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}
