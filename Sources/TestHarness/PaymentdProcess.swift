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
/// messages). A daemon still running when the test process exits is killed (SIGKILL) by an
/// `atexit` handler, and one whose `PaymentdProcess` is released is killed then.
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

        public init(mode: Mode = .plain, watchdogMicroseconds: UInt64? = nil, environment: [String: String] = [:],
                    arguments: [String]? = nil, extraArguments: [String] = []) {
            self.mode = mode
            self.watchdogMicroseconds = watchdogMicroseconds
            self.environment = environment
            self.arguments = arguments
            self.extraArguments = extraArguments
        }
    }

    /// The daemon's pid (under socket activation the same process execs the daemon).
    public let pid: pid_t
    public let mode: Mode
    /// The socket clients connect to: the workspace's (or, under socket activation, the one
    /// `systemd-socket-activate` binds).
    public let socketPath: String
    public let logPath: String
    /// Every `sd_notify` datagram the daemon sent.
    public let notifications: NotifySocketListener
    private let exitStatus = Mutex<Int32?>(nil)
    private let activated = Mutex(false)

    /// Starts the daemon from `workspace` and returns at once (see `waitUntilReady`).
    public static func start(_ workspace: PaymentdWorkspace, _ options: Options = Options()) throws -> PaymentdProcess {
        let binary = try binaryPath()
        let number = PaymentdCleanup.shared.nextNumber()
        let logPath = workspace.directory + "/paymentd-\(number).log"
        let listener = try NotifySocketListener(path: workspace.directory + "/notify-\(number).sock")
        var daemonEnvironment = Self.baseEnvironment()
        daemonEnvironment["NOTIFY_SOCKET"] = listener.path
        if let usec = options.watchdogMicroseconds { daemonEnvironment["WATCHDOG_USEC"] = String(usec) }
        daemonEnvironment.merge(options.environment) { $1 }
        let daemonArguments = (options.arguments ?? ["--config", workspace.configPath]) + options.extraArguments

        let pid: pid_t
        do {
            switch options.mode {
            case .plain:
                pid = try PaymentdSpawn.spawn(binary, daemonArguments, environment: daemonEnvironment, stdout: logPath)
            case .socketActivated:
                let activator = try activatorPath()
                // The socket belongs to the activator, as it would to systemd: a file left at
                // the path by an earlier daemon is removed, as systemd does for its units.
                unlink(workspace.socketPath)
                // The activator passes the daemon only what --setenv names; NOTIFY_SOCKET is not
                // in its own environment, so only the daemon talks to the listener.
                let setenv = daemonEnvironment.sorted { $0.key < $1.key }.map { "--setenv=\($0.key)=\($0.value)" }
                pid = try PaymentdSpawn.spawn(activator, ["-l", workspace.socketPath] + setenv + [binary] + daemonArguments,
                                              environment: Self.baseEnvironment(), stdout: logPath)
            }
        } catch {
            listener.close()
            throw error
        }
        let process = PaymentdProcess(pid: pid, mode: options.mode, socketPath: workspace.socketPath, logPath: logPath,
                                      notifications: listener)
        PaymentdCleanup.shared.track(process)
        return process
    }

    private init(pid: pid_t, mode: Mode, socketPath: String, logPath: String, notifications: NotifySocketListener) {
        self.pid = pid
        self.mode = mode
        self.socketPath = socketPath
        self.logPath = logPath
        self.notifications = notifications
    }

    deinit {
        if exitStatus.withLock({ $0 == nil }) {
            kill(pid, SIGKILL)
            _ = PaymentdSpawn.reap(pid, blocking: true)
        }
        notifications.close()
        PaymentdCleanup.shared.untrack(pid)
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
        guard isRunning else { return }
        kill(pid, signalNumber)
    }

    /// SIGKILL, and reaps it: a crash at an arbitrary instant.
    public func kill9() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        let status = PaymentdSpawn.reap(pid, blocking: true)
        exitStatus.withLock { if $0 == nil { $0 = status } }
    }

    /// Whether the daemon is still running (reaps it if it ended).
    public var isRunning: Bool { currentExitStatus() == nil }

    /// The exit status (128 + signal when a signal ended it), waiting up to `timeout` seconds.
    public func waitForExit(timeout: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let status = currentExitStatus() { return status }
            if Date() > deadline {
                throw HarnessError("paymentd (pid \(pid)) did not exit within \(timeout) s. Its log ends:\n\(logTail())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// SIGTERM, then SIGKILL after `graceSeconds`: for tearDown. Returns the exit status.
    @discardableResult
    public func terminate(graceSeconds: Double = 30) async -> Int32 {
        signal(SIGTERM)
        if let status = try? await waitForExit(timeout: graceSeconds) { return status }
        kill9()
        return currentExitStatus() ?? -1
    }

    /// Why waiting for the daemon is pointless (it exited), or nil while it runs.
    public func exitDescription() -> String? {
        guard let status = currentExitStatus() else { return nil }
        return "paymentd exited with status \(status). Its log (\(logPath)) ends:\n\(logTail())"
    }

    private func currentExitStatus() -> Int32? {
        let status = exitStatus.withLock { stored in
            if stored == nil { stored = PaymentdSpawn.reap(pid, blocking: false) }
            return stored
        }
        if status != nil { PaymentdCleanup.shared.untrack(pid) }
        return status
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
        var directories: [String] = []
        for argument in CommandLine.arguments.prefix(1) + CommandLine.arguments.filter({ $0.hasSuffix(".xctest") }) {
            directories.append(URL(fileURLWithPath: argument).deletingLastPathComponent().path)
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent().path)
        }
        for directory in directories {
            let candidate = directory + "/paymentd"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HarnessError("""
            The paymentd binary is not next to the test bundle (looked in \(directories)). \
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
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }
}

/// Daemons still running and workspaces to delete when the test process exits.
final class PaymentdCleanup: Sendable {
    static let shared = PaymentdCleanup()

    private struct State {
        var pids: Set<pid_t> = []
        var directories: [String] = []
        var registered = false
        var counter = 0
    }

    private let state = Mutex(State())

    func nextNumber() -> Int {
        state.withLock { state in
            state.counter += 1
            return state.counter
        }
    }

    func track(_ process: PaymentdProcess) {
        registerIfNeeded()
        _ = state.withLock { $0.pids.insert(process.pid) }
    }

    func untrack(_ pid: pid_t) {
        _ = state.withLock { $0.pids.remove(pid) }
    }

    func removeAtExit(directory: String) {
        registerIfNeeded()
        state.withLock { $0.directories.append(directory) }
    }

    private func registerIfNeeded() {
        let first = state.withLock { state -> Bool in
            defer { state.registered = true }
            return !state.registered
        }
        if first { atexit { PaymentdCleanup.shared.runAtExit() } }
    }

    fileprivate func runAtExit() {
        let (pids, directories) = state.withLock { state in
            defer { state.pids = []; state.directories = [] }
            return (state.pids, state.directories)
        }
        for pid in pids {
            kill(pid, SIGKILL)
            _ = PaymentdSpawn.reap(pid, blocking: true)
        }
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    }
}
