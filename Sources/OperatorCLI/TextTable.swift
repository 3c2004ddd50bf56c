/// Rows of cells printed as aligned columns: header first, two spaces between columns, cells
/// left-aligned unless their column is numeric. Widths ignore ANSI colour sequences, so a
/// coloured status lines up like a plain one. An empty cell is printed as `-`, so every
/// line of a piped table has the same number of whitespace-separated fields for `awk`.
public struct TextTable: Sendable, Equatable {
    /// How a column's cells line up: text to the left, numbers to the right.
    public enum Alignment: Sendable, Equatable {
        case left
        case right
    }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []

    public init(headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The table as lines of text, each ending in a newline; nothing for no headers.
    public func render() -> String {
        guard !headers.isEmpty else { return "" }
        let all = [headers] + rows.map { row in headers.indices.map { index in
            let cell = index < row.count ? row[index] : ""
            return cell.isEmpty ? "-" : cell
        } }
        var widths = headers.map { _ in 0 }
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.visibleWidth(cell)) }
        }
        var output = ""
        for row in all {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - Self.visibleWidth(cell))
                let last = index == row.count - 1
                switch alignments[index] {
                case .right: line += padding + cell
                case .left: line += last ? cell : cell + padding
                }
                if !last { line += "  " }
            }
            output += line + "\n"
        }
        return output
    }

    /// Characters a terminal shows: ANSI escape sequences (`ESC [ … letter`) take no room.
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if (scalar.value >= 0x40 && scalar.value <= 0x7E) && scalar != "[" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}
