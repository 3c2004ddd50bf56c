import Foundation
import TestHarness
#if canImport(Glibc)
import Glibc
#endif

/// What the numbers were measured on: a benchmark figure without its machine, its build and
/// the load beside it means nothing, so every report carries one.
public struct MachineDescription: Sendable, Equatable {
    public var cpuModel: String
    public var cores: Int
    public var memoryBytes: UInt64
    public var operatingSystem: String
    public var kernel: String
    public var swiftVersion: String
    public var gitCommit: String
    /// Whether the work tree had changes not committed when the run started.
    public var gitDirty: Bool
    /// `/proc/loadavg`'s 1-, 5- and 15-minute figures when the run started.
    public var loadAverageAtStart: [Double]

    public init(cpuModel: String, cores: Int, memoryBytes: UInt64, operatingSystem: String, kernel: String,
                swiftVersion: String, gitCommit: String, gitDirty: Bool, loadAverageAtStart: [Double]) {
        self.cpuModel = cpuModel
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.operatingSystem = operatingSystem
        self.kernel = kernel
        self.swiftVersion = swiftVersion
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.loadAverageAtStart = loadAverageAtStart
    }

    /// Reads this machine (and the repository the benchmark was built from).
    public static func current() -> MachineDescription {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let prettyName = osRelease.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "unknown"
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let root = PaymentdWorkspace.repositoryRoot
        let commit = run("/usr/bin/git", ["-C", root, "rev-parse", "--short=12", "HEAD"]) ?? "unknown"
        let dirty = !(run("/usr/bin/git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
        return MachineDescription(
            cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: ProcessInfo.processInfo.physicalMemory, operatingSystem: prettyName, kernel: release,
            swiftVersion: swiftVersion(), gitCommit: commit, gitDirty: dirty, loadAverageAtStart: loadAverage())
    }

    /// `/proc/loadavg`'s three averages.
    public static func loadAverage() -> [Double] {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    /// The first line of `swift --version` (the toolchain on the machine, which built this).
    static func swiftVersion() -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        let candidates = path.split(separator: ":").map { "\($0)/swift" } + ["/opt/swift/usr/bin/swift"]
        guard let swift = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              let text = run(swift, ["--version"]) else { return "unknown" }
        return text.split(separator: "\n").first { $0.contains("Swift version") }.map(String.init) ?? "unknown"
    }

    /// Standard output of a short command, trimmed; nil when it fails.
    private static func run(_ executable: String, _ arguments: [String]) -> String? {
        guard FileManager.default.isExecutableFile(atPath: executable),
              let result = try? ChildProcess.run(executable, arguments, timeoutSeconds: 30), result.status == 0 else { return nil }
        return (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
