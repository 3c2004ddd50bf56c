import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one way the tests start and reap other programs: the daemon, `systemd-socket-activate`,
/// the devchain, PostgreSQL's tools, `socat`, `setpriv`.
///
/// Every child starts with an explicit environment, its standard streams on `/dev/null`, files
/// or a descriptor the caller owns (never a pipe the harness could forget to drain), no
/// descriptor of the test process above 2, an empty signal mask and default dispositions (so
/// SIGTERM, SIGHUP and SIGPIPE mean in the child what they mean under systemd), and in a process
/// group of its own. It is registered with `ExitCleanup` until it is reaped, so neither a
/// normal exit nor a crash of the test run leaves it behind; a child whose `ChildProcess` is
/// released while it runs is killed then.
///
/// Built on `posix_spawn` and `waitpid` rather than swift-subprocess: the harness's callers are
/// synchronous (XCTest set-up, the lazily started shared cluster and node, `atexit` and signal
/// handlers) and keep a child across test steps (a daemon started in one step is SIGKILLed in
/// the next and started again), while swift-subprocess is async-only and ties a child to the
/// scope of one `run` call; blocking on it from the 2-thread cooperative pool could starve it.
/// Nor Foundation's `Process`, whose `waitUntilExit` was seen hanging here.
public final class ChildProcess: Sendable {
    /// Where a standard output stream of the child goes.
    public enum Output: Sendable, Equatable {
        case null
        /// A file, truncated first.
        case file(String)
        /// A file, appended to.
        case appending(String)
        /// A descriptor of the caller's (such as a pipe's write end); the caller closes it.
        case descriptor(Int32)
        /// For standard error: wherever standard output goes.
        case sameAsStandardOutput
    }

    /// What a finished tool printed, and how it ended.
    public struct Result: Sendable, CustomStringConvertible {
        /// The exit status, or 128 + the signal that ended it.
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public var description: String { "exit status \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

        /// Itself, or an error with the command and everything it printed if it did not exit 0.
        @discardableResult
        public func requireSuccess(_ command: String) throws -> Result {
            guard status == 0 else { throw HarnessError("`\(command)` failed with \(description)") }
            return self
        }
    }

    public let pid: pid_t
    /// The command line, for messages.
    public let command: String
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t, command: String) {
        self.pid = pid
        self.command = command
    }

    deinit {
        if exitStatus.withLock({ $0 == nil }) {
            _ = Glibc.kill(-pid, SIGKILL)
            _ = Self.reap(pid, blocking: true)
            ExitCleanup.shared.forget(pid)
        }
    }

    /// Starts `executable` (an absolute path) with `arguments` (argv[0] is added) and exactly
    /// `environment`; standard input from the file `stdin` (nil: `/dev/null`).
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                             stdin: String? = nil, stdout: Output = .null,
                             stderr: Output = .sameAsStandardOutput) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        redirect(1, to: stdout, in: &actions)
        redirect(2, to: stderr, in: &actions)
        if let closeFrom = closeFromAction { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGCHLD] + CrashSignals.handled {
            sigaddset(&defaults, signalNumber)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let cleanup = ExitCleanup.shared
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw HarnessError("posix_spawn \(executable) failed: \(String(cString: strerror(spawned)))")
        }
        cleanup.kill(pid)
        return ChildProcess(pid: pid, command: ([executable] + arguments).joined(separator: " "))
    }

    /// Runs a tool to completion with `input` on its standard input and returns what it
    /// printed; kills it (and its process group) after `timeoutSeconds`. Blocks the calling
    /// thread: from async code, call it inside `BlockingWork.run`.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: String = "", timeoutSeconds: Double = 30) throws -> Result {
        let base = FileManager.default.temporaryDirectory.path + "/paymentd-tool-\(UUID().uuidString)"
        let (inPath, outPath, errPath) = (base + ".in", base + ".out", base + ".err")
        defer { for path in [inPath, outPath, errPath] { unlink(path) } }
        guard FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8)) else {
            throw HarnessError("cannot write \(inPath)")
        }
        let child = try spawn(executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
                              stdin: inPath, stdout: .file(outPath), stderr: .file(errPath))
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while child.currentExitStatus() == nil {
            if Date() > deadline {
                child.kill()
                let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
                throw HarnessError("\(child.command) did not finish within \(Int(timeoutSeconds)) s; it printed:\n\(output)")
            }
            usleep(10_000)
        }
        return Result(status: child.currentExitStatus() ?? -1,
                      stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                      stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    // MARK: Signals and exit

    /// Whether it still runs (reaps it if it ended).
    public var isRunning: Bool { currentExitStatus() == nil }

    /// The exit status (128 + signal for a signal) once it ended, nil while it runs. Never blocks.
    public func currentExitStatus() -> Int32? {
        exitStatus.withLock { stored in
            if stored == nil, let status = Self.reap(pid, blocking: false) {
                stored = status
                ExitCleanup.shared.forget(pid)
            }
            return stored
        }
    }

    /// Sends `signalNumber` to the process itself (nothing once it has ended).
    public func signal(_ signalNumber: Int32) {
        guard isRunning else { return }
        _ = Glibc.kill(pid, signalNumber)
    }

    /// SIGKILL to its process group, and reaps it: a crash at an arbitrary instant. Returns the
    /// exit status.
    @discardableResult
    public func kill() -> Int32 {
        exitStatus.withLock { stored in
            if stored == nil {
                _ = Glibc.kill(-pid, SIGKILL)
                stored = Self.reap(pid, blocking: true) ?? -1
                ExitCleanup.shared.forget(pid)
            }
            return stored ?? -1
        }
    }

    /// Waits up to `timeout` seconds for it to end, polling without blocking a thread.
    public func waitForExit(timeout: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let status = currentExitStatus() { return status }
            if Date() > deadline { throw HarnessError("\(command) (pid \(pid)) did not exit within \(timeout) s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// SIGTERM, up to `graceSeconds` for it to end, then SIGKILL. Blocks the calling thread.
    @discardableResult
    public func terminate(graceSeconds: Double) -> Int32 {
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(graceSeconds)
        while Date() < deadline {
            if let status = currentExitStatus() { return status }
            usleep(20_000)
        }
        return kill()
    }

    // MARK: posix_spawn details

    private static func redirect(_ descriptor: Int32, to output: Output, in actions: inout posix_spawn_file_actions_t) {
        switch output {
        case .null: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .appending(let path): posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        case .descriptor(let source): posix_spawn_file_actions_adddup2(&actions, source, descriptor)
        case .sameAsStandardOutput: posix_spawn_file_actions_adddup2(&actions, 1, descriptor)
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not declare; nil where it is missing (then only CLOEXEC descriptors are closed).
    private typealias CloseFromAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private static let closeFromAction: CloseFromAction? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFromAction.self)
    }()

    /// The exit status of `pid` once it ended (128 + signal for a signal), nil while it runs.
    /// A child already reaped elsewhere reports -1.
    private static func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid {
                let signalNumber = status & 0x7f
                return signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber
            }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return -1
        }
    }
}
