import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `posix_spawn` for the daemon tests: the daemon itself, `systemd-socket-activate`, `socat`
/// and `setpriv`, with an explicit environment, standard streams on files (never pipes a child
/// could block on) and a clean signal state.
///
/// Foundation's `Process.waitUntilExit` was seen hanging here, so children are reaped with
/// `waitpid` by their callers.
public enum PaymentdSpawn {
    /// What a finished tool printed, and how it ended.
    public struct Output: Sendable, CustomStringConvertible {
        /// The exit status, or 128 + the signal that ended it.
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public var description: String { "exit status \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// Starts `executable` with `arguments` (argv[0] is added) and `environment`; standard
    /// input, output and error are opened from the given paths (`/dev/null` when nil; stderr
    /// nil means "same as stdout"). Descriptors of the test process other than 0–2 are closed in
    /// the child, so no socket or pipe of the test leaks into a daemon. `newProcessGroup` makes
    /// the child lead a process group of its own, so it can be killed with every child it forks.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                             stdin: String? = nil, stdout: String? = nil, stderr: String? = nil,
                             appendOutput: Bool = false, newProcessGroup: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let outputFlags = O_WRONLY | O_CREAT | (appendOutput ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", outputFlags, 0o644)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, outputFlags, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let closeFrom = closeFromAction { _ = closeFrom(&actions, 3) }

        // An empty signal mask and default dispositions, whatever the test runner set, so that
        // SIGTERM, SIGHUP and SIGPIPE mean in the child what they mean under systemd.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw HarnessError("posix_spawn \(executable) failed: \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not declare; nil where it is missing (then only CLOEXEC descriptors are closed).
    private typealias CloseFromAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private static let closeFromAction: CloseFromAction? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFromAction.self)
    }()

    /// Runs a tool to completion with `input` on its standard input; kills it after
    /// `timeoutSeconds`. Blocks the calling thread: call it from `onThread`.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: String = "", timeoutSeconds: Double = 30) throws -> Output {
        let base = FileManager.default.temporaryDirectory.path + "/paymentd-tool-\(UUID().uuidString)"
        let (inPath, outPath, errPath) = (base + ".in", base + ".out", base + ".err")
        defer { for path in [inPath, outPath, errPath] { unlink(path) } }
        guard FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8)) else {
            throw HarnessError("cannot write \(inPath)")
        }
        let pid = try spawn(executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
                            stdin: inPath, stdout: outPath, stderr: errPath)
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var status: Int32?
        while status == nil {
            status = reap(pid, blocking: false)
            if status != nil { break }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = reap(pid, blocking: true)
                let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
                throw HarnessError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeoutSeconds)) s; it printed:\n\(output)")
            }
            usleep(10_000)
        }
        return Output(status: status ?? -1,
                      stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                      stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    /// The exit status of `pid` once it ended (128 + signal for a signal), nil while it runs.
    /// A child already reaped elsewhere reports -1.
    static func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid { return decode(status) }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return -1
        }
    }

    static func decode(_ status: Int32) -> Int32 {
        let signalNumber = status & 0x7f
        return signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber
    }

    /// Runs blocking work on a thread of its own and awaits it, so waiting on a child or a
    /// socket never occupies one of the few threads of Swift's cooperative pool.
    public static func onThread<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Swift.Result { try work() }) }
            thread.stackSize = 1 << 21
            thread.start()
        }
    }
}
