import Foundation

/// One of the repository's systemd unit files (`systemd/*.service`, `.socket`, `.timer`), read
/// the way systemd reads the parts tests act on, so a test that plays systemd's part uses the
/// unit's real values (socket mode, credentials, watchdog and stop timeouts) rather than copies
/// that could drift from what production runs.
///
/// What is read: `[Section]` headers, `Key=value` assignments (whitespace around `=` ignored,
/// lines ending in `\` continued), `#` and `;` comments, repeated keys kept in order, and an
/// empty assignment resetting a list as systemd does. Time spans follow systemd.time(7)
/// (`90`, `90s`, `2min 30s`, `500ms`). Anything else (specifier expansion beyond `%d`, drop-ins)
/// is not needed by the tests and not attempted.
public struct SystemdUnitFile: Sendable {
    /// One assignment, in file order.
    public struct Assignment: Sendable, Equatable {
        public let section: String
        public let key: String
        public let value: String
    }

    /// A `LoadCredential=ID:PATH` line.
    public struct Credential: Sendable, Equatable {
        public let id: String
        public let path: String
    }

    public let path: String
    public let assignments: [Assignment]

    /// The unit `name` of the repository's `systemd/` directory.
    public static func repository(_ name: String) throws -> SystemdUnitFile {
        try SystemdUnitFile(path: Devchain.repositoryRoot + "/systemd/" + name)
    }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw HarnessError("cannot read unit file \(path)") }
        try self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }

    public init(text: String, path: String = "<text>") throws {
        self.path = path
        var assignments: [Assignment] = []
        var section = ""
        var pending = ""
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = pending + rawLine.trimmingCharacters(in: .whitespaces)
            pending = ""
            if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending = line + " "
                continue
            }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw HarnessError("\(path):\(number + 1): malformed section header \(line)") }
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw HarnessError("\(path):\(number + 1): expected Key=value, got \(line)") }
            guard !section.isEmpty else { throw HarnessError("\(path):\(number + 1): assignment outside a section") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            assignments.append(Assignment(section: section, key: key, value: value))
        }
        self.assignments = assignments
    }

    /// Every value of `key` in `section`, in order; an empty assignment drops the ones before it.
    public func values(_ key: String, in section: String) -> [String] {
        var result: [String] = []
        for assignment in assignments where assignment.section == section && assignment.key == key {
            if assignment.value.isEmpty { result.removeAll() } else { result.append(assignment.value) }
        }
        return result
    }

    /// The value in effect for a single-valued `key` (the last assignment wins).
    public func value(_ key: String, in section: String) -> String? {
        values(key, in: section).last
    }

    /// The value of `key`, or a failure naming the unit when it is missing.
    public func required(_ key: String, in section: String) throws -> String {
        guard let value = value(key, in: section) else { throw HarnessError("\(path) has no \(key)= in [\(section)]") }
        return value
    }

    /// A time span setting in seconds (systemd.time(7); a bare number is seconds).
    public func seconds(_ key: String, in section: String) throws -> Double {
        let text = try required(key, in: section)
        guard let seconds = Self.timeSpan(text) else { throw HarnessError("\(path): \(key)=\(text) is not a time span") }
        return seconds
    }

    /// An octal mode setting such as `SocketMode=0660`.
    public func mode(_ key: String, in section: String) throws -> UInt32 {
        let text = try required(key, in: section)
        guard let mode = UInt32(text, radix: 8) else { throw HarnessError("\(path): \(key)=\(text) is not an octal mode") }
        return mode
    }

    /// `LoadCredential=` lines of `[Service]`.
    public var credentials: [Credential] {
        values("LoadCredential", in: "Service").map { value in
            let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
            return Credential(id: parts[0], path: parts.count > 1 ? parts[1] : parts[0])
        }
    }

    /// `Environment=` assignments of `[Service]` as a dictionary, with `%d` (the credentials
    /// directory) expanded to `credentialsDirectory`.
    public func environment(credentialsDirectory: String) -> [String: String] {
        var result: [String: String] = [:]
        for value in values("Environment", in: "Service") {
            for word in value.split(separator: " ") {
                let unquoted = word.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                guard let equals = unquoted.firstIndex(of: "=") else { continue }
                let name = String(unquoted[..<equals])
                result[name] = String(unquoted[unquoted.index(after: equals)...]).replacingOccurrences(of: "%d", with: credentialsDirectory)
            }
        }
        return result
    }

    /// The arguments of `ExecStart=` split on blanks (our units quote nothing).
    public var execStart: [String] {
        (value("ExecStart", in: "Service") ?? "").split(separator: " ").map(String.init)
    }

    /// systemd.time(7) spans: numbers with units summed, a bare number meaning seconds.
    static func timeSpan(_ text: String) -> Double? {
        let units: [(String, Double)] = [
            ("usec", 1e-6), ("us", 1e-6), ("msec", 1e-3), ("ms", 1e-3),
            ("seconds", 1), ("second", 1), ("sec", 1), ("s", 1),
            ("minutes", 60), ("minute", 60), ("min", 60), ("m", 60),
            ("hours", 3600), ("hour", 3600), ("hr", 3600), ("h", 3600),
            ("days", 86_400), ("day", 86_400), ("d", 86_400),
        ]
        var rest = Substring(text.replacingOccurrences(of: " ", with: ""))
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let number = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(letters.count)
            if letters.isEmpty {
                total += number
            } else if let factor = units.first(where: { $0.0 == letters })?.1 {
                total += number * factor
            } else {
                return nil
            }
        }
        return total
    }
}
