import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `mint-server` binary as a child of the test (or benchmark) process, started with a
/// config file of `key = value` lines and `listen = 127.0.0.1:0`; it learns the port the server
/// bound from its "listening" log line (logged at `notice`: keep `log_level` at notice or below). Its output goes to a log file next to the config.
public final class MintServerProcess: Sendable {
    public let port: Int
    public let logPath: String
    private let child: ChildProcess

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Writes `settings` (plus `listen = 127.0.0.1:0` unless given) to `directory/name.conf`,
    /// starts the server and waits until it listens.
    public static func start(directory: String, name: String = "mint-server", settings: [String: String],
                             timeout: Double = 30) async throws -> MintServerProcess {
        var settings = settings
        if settings["listen"] == nil { settings["listen"] = "127.0.0.1:0" }
        let configPath = directory + "/\(name).conf"
        let logPath = directory + "/\(name).log"
        let text = settings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
        var environment: [String: String] = [:]
        for key in ["PATH", "HOME", "LANG", "TMPDIR"] { environment[key] = ProcessInfo.processInfo.environment[key] }
        let child = try ChildProcess.spawn(try PaymentdProcess.binaryPath(named: "mint-server"), ["--config", configPath],
                                           environment: environment, stdout: .file(logPath))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let log = String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
            if let line = log.split(separator: "\n").first(where: { $0.contains("mint-server listening") }),
               let range = line.range(of: "port=") {
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return MintServerProcess(child: child, port: port, logPath: logPath) }
            }
            if let status = child.currentExitStatus() {
                throw HarnessError("mint-server exited with status \(status) before listening:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = child.kill()
        throw HarnessError("mint-server did not listen within \(timeout) s")
    }

    private init(child: ChildProcess, port: Int, logPath: String) {
        self.child = child
        self.port = port
        self.logPath = logPath
    }

    public var pid: pid_t { child.pid }

    public func signal(_ signalNumber: Int32) { child.signal(signalNumber) }

    public func waitForExit(timeout: Double) async throws -> Int32 { try await child.waitForExit(timeout: timeout) }

    /// SIGTERM, then SIGKILL after `graceSeconds`.
    @discardableResult
    public func terminate(graceSeconds: Double = 15) async -> Int32 {
        child.signal(SIGTERM)
        if let status = try? await child.waitForExit(timeout: graceSeconds) { return status }
        return child.kill()
    }

    public func log() -> String {
        String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
    }
}
