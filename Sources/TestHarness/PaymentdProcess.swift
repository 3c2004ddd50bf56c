import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The real `paymentd` binary running as a child of the test process, the way systemd runs it:
/// either plainly (`paymentd --config FILE`, binding the configured socket path itself) or
/// under `systemd-socket-activate -l <socket> … paymentd …` (which binds the socket, waits for
/// the first connection and then execs the daemon with `LISTEN_FDS`/`LISTEN_PID`, so the pid
/// stays the daemon's). Either way it gets a `NOTIFY_SOCKET` listener and, if asked,
/// `WATCHDOG_USEC` (without `WATCHDOG_PID`, which `sd_watchdog_enabled` reads as "any pid").
///
/// The daemon's stdout and stderr go to a log file in the workspace (`logTail()` for failure
/// messages). It is a `ChildProcess`: killed if the test process exits or crashes while it
/// runs, or when its `PaymentdProcess` is released.
public final class PaymentdProcess: Sendable {
    public enum Mode: Sendable, Equatable {
        /// `paymentd --config FILE`: the daemon binds `socket_path` itself.
        case plain
        /// `systemd-socket-activate -l <socket path> --setenv=… paymentd --config FILE`.
        case socketActivated
    }

    public struct Options: Sendable {
        public var mode: Mode
        /// `WATCHDOG_USEC` for the daemon; nil: no watchdog.
        public var watchdogMicroseconds: UInt64?
        /// Extra environment for the daemon (e.g. `CREDENTIALS_DIRECTORY`, `PAYMENTD_<KEY>`).
        public var environment: [String: String]
        /// The daemon's arguments; nil: `--config <workspace config>`.
        public var arguments: [String]?
        /// Arguments added after `arguments`.
        public var extraArguments: [String]
        /// Starts it as systemd does under journald: `JOURNAL_STREAM` names the device and inode
        /// of its standard error (here the log file, created first and appended to).
        public var underJournal: Bool

        public init(mode: Mode = .plain, watchdogMicroseconds: UInt64? = nil, environment: [String: String] = [:],
                    arguments: [String]? = nil, extraArguments: [String] = [], underJournal: Bool = false) {
            self.mode = mode
            self.underJournal = underJournal
            self.watchdogMicroseconds = watchdogMicroseconds
            self.environment = environment
            self.arguments = arguments
            self.extraArguments = extraArguments
        }
    }

    /// The daemon's pid (under socket activation the same process execs the daemon).
    public var pid: pid_t { child.pid }
    public let mode: Mode
    /// The socket clients connect to: the workspace's (or, under socket activation, the one
    /// `systemd-socket-activate` binds).
    public let socketPath: String
    public let logPath: String
    /// Every `sd_notify` datagram the daemon sent.
    public let notifications: NotifySocketListener
    private let child: ChildProcess
    private let activated = Mutex(false)
    /// Numbers the log and notify socket of each daemon a test process starts.
    private static let started = Mutex(0)

    /// Starts the daemon from `workspace` and returns at once (see `waitUntilReady`).
    public static func start(_ workspace: PaymentdWorkspace, _ options: Options = Options()) throws -> PaymentdProcess {
        let binary = try binaryPath()
        let number = started.withLock { count in
            count += 1
            return count
        }
        let logPath = workspace.directory + "/paymentd-\(number).log"
        let listener = try NotifySocketListener(path: workspace.directory + "/notify-\(number).sock")
        var daemonEnvironment = Self.baseEnvironment()
        daemonEnvironment["NOTIFY_SOCKET"] = listener.path
        if let usec = options.watchdogMicroseconds { daemonEnvironment["WATCHDOG_USEC"] = String(usec) }
        daemonEnvironment.merge(options.environment) { $1 }
        var output = ChildProcess.Output.file(logPath)
        if options.underJournal {
            guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
                listener.close()
                throw HarnessError("cannot create \(logPath)")
            }
            var info = stat()
            guard stat(logPath, &info) == 0 else {
                listener.close()
                throw HarnessError("cannot stat \(logPath)")
            }
            daemonEnvironment["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)"
            output = .appending(logPath)
        }
        let daemonArguments = (options.arguments ?? ["--config", workspace.configPath]) + options.extraArguments

        let child: ChildProcess
        do {
            switch options.mode {
            case .plain:
                child = try ChildProcess.spawn(binary, daemonArguments, environment: daemonEnvironment, stdout: output)
            case .socketActivated:
                let activator = try activatorPath()
                // The socket belongs to the activator, as it would to systemd: a file left at
                // the path by an earlier daemon is removed, as systemd does for its units.
                unlink(workspace.socketPath)
                // The activator passes the daemon only what --setenv names; NOTIFY_SOCKET is not
                // in its own environment, so only the daemon talks to the listener.
                let setenv = daemonEnvironment.sorted { $0.key < $1.key }.map { "--setenv=\($0.key)=\($0.value)" }
                child = try ChildProcess.spawn(activator, ["-l", workspace.socketPath] + setenv + [binary] + daemonArguments,
                                               environment: Self.baseEnvironment(), stdout: output)
            }
        } catch {
            listener.close()
            throw error
        }
        return PaymentdProcess(child: child, mode: options.mode, socketPath: workspace.socketPath, logPath: logPath,
                               notifications: listener)
    }

    private init(child: ChildProcess, mode: Mode, socketPath: String, logPath: String, notifications: NotifySocketListener) {
        self.child = child
        self.mode = mode
        self.socketPath = socketPath
        self.logPath = logPath
        self.notifications = notifications
    }

    deinit {
        notifications.close()
    }

    // MARK: Readiness

    /// Under socket activation, makes the first connection (the activator execs the daemon only
    /// then); then waits for `READY=1`. Fails early, with the log, if the daemon exits.
    public func waitUntilReady(timeout: Double = 90) async throws {
        try await activate()
        try await notifications.waitFor("READY=1", timeout: timeout, givingUpIf: { [self] in exitDescription() })
    }

    /// Under socket activation: waits for the activator's socket file and connects once, so the
    /// activator execs the daemon (the connection stays in the backlog for the daemon to accept
    /// and close). Does nothing in plain mode or once done.
    public func activate(timeout: Double = 30) async throws {
        guard mode == .socketActivated, activated.withLock({ value -> Bool in defer { value = true }; return !value }) else { return }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let reason = exitDescription() { throw HarnessError("systemd-socket-activate ended before activation: \(reason)") }
            if Self.connectOnce(socketPath) { return }
            if Date() > deadline { throw HarnessError("systemd-socket-activate never listened on \(socketPath). Log:\n\(logTail())") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Signals and exit

    /// Sends `signalNumber` to the daemon (nothing once it has exited).
    public func signal(_ signalNumber: Int32) {
        child.signal(signalNumber)
    }

    /// SIGKILL, and reaps it: a crash at an arbitrary instant. Returns the exit status (the
    /// earlier one if it had already exited).
    @discardableResult
    public func kill9() -> Int32 {
        child.kill()
    }

    /// Whether the daemon is still running (reaps it if it ended).
    public var isRunning: Bool { child.isRunning }

    /// The exit status (128 + signal when a signal ended it), waiting up to `timeout` seconds.
    public func waitForExit(timeout: Double) async throws -> Int32 {
        do {
            return try await child.waitForExit(timeout: timeout)
        } catch is HarnessError {
            throw HarnessError("paymentd (pid \(pid)) did not exit within \(timeout) s. Its log ends:\n\(logTail())")
        }
    }

    /// SIGTERM, then SIGKILL after `graceSeconds`: for tearDown. Returns the exit status.
    @discardableResult
    public func terminate(graceSeconds: Double = 30) async -> Int32 {
        signal(SIGTERM)
        if let status = try? await waitForExit(timeout: graceSeconds) { return status }
        return child.kill()
    }

    /// Why waiting for the daemon is pointless (it exited), or nil while it runs.
    public func exitDescription() -> String? {
        guard let status = currentExitStatus() else { return nil }
        return "paymentd exited with status \(status). Its log (\(logPath)) ends:\n\(logTail())"
    }

    private func currentExitStatus() -> Int32? {
        child.currentExitStatus()
    }

    // MARK: Log

    /// The whole log.
    public func log() -> String {
        String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
    }

    /// The last `bytes` of the log, for failure messages.
    public func logTail(bytes: Int = 4_000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "(no log at \(logPath))" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    // MARK: Locating the programs

    /// `paymentd` next to the test bundle (`swift build --build-tests` puts both in the same
    /// directory).
    public static func binaryPath() throws -> String {
        try binaryPath(named: "paymentd")
    }

    /// A program of this package (`paymentd`, `mint-server`, `x402-buy`) next to the test bundle
    /// or the running executable.
    public static func binaryPath(named name: String) throws -> String {
        var directories: [String] = []
        for argument in CommandLine.arguments.prefix(1) + CommandLine.arguments.filter({ $0.hasSuffix(".xctest") }) {
            directories.append(URL(fileURLWithPath: argument).deletingLastPathComponent().path)
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent().path)
        }
        for directory in directories {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HarnessError("""
            The \(name) binary is not next to the test bundle (looked in \(directories)). \
            Build it with the tests: swift build --build-tests (then swift test --skip-build).
            """)
    }

    static func activatorPath() throws -> String {
        for candidate in ["/usr/bin/systemd-socket-activate", "/bin/systemd-socket-activate"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw HarnessError("systemd-socket-activate is not installed (apt-get install -y systemd)")
    }

    /// The test process's environment minus everything that would make the daemon believe it
    /// runs under systemd or configure it behind the test's back.
    static func baseEnvironment() -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for name in ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ"] {
            if let value = inherited[name] { environment[name] = value }
        }
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        return environment
    }

    /// Connects to `path` and closes at once; true when the connect succeeded.
    static func connectOnce(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return UnixSocketAddress.with(path: path) { connect(descriptor, $0, $1) } == 0
    }
}
