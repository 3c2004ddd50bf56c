import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The devchain's Python process: spawned with `posix_spawn`, its ready line read with a
/// deadline, its output drained, and its end waited for with `waitpid`.
///
/// Not Foundation's `Process`, whose `waitUntilExit` was seen hanging here. Stderr goes to a log
/// file (never a pipe that could fill up and block the node); stdout is a pipe read until the
/// ready line and then drained to EOF by a background thread, for the same reason. The child
/// stays in the test's process group, so a Ctrl-C of the test run stops it too.
struct DevchainProcess: Sendable {
    let pid: pid_t
    let logPath: String

    /// Spawns `python -m devchain <arguments>` with `devchainDirectory` on PYTHONPATH and waits
    /// for its one JSON line on stdout.
    static func launch(python: String, devchainDirectory: String, arguments: [String], logPath: String,
                       readyTimeoutSeconds: Double) throws -> (DevchainProcess, [UInt8]) {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw HarnessError("pipe() failed: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // Neither end may leak into other children the test process spawns, or the drain
        // thread would never see EOF.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // An empty signal mask and default handlers, whatever the test runner set, so SIGTERM works.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGINT)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([python, "-m", "devchain"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = childEnvironment(pythonPath: devchainDirectory)
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, python, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw HarnessError("posix_spawn \(python) failed: \(String(cString: strerror(spawned)))")
        }
        let process = DevchainProcess(pid: pid, logPath: logPath)
        do {
            let line = try process.readReadyLine(from: readEnd, timeoutSeconds: readyTimeoutSeconds)
            startDraining(readEnd)
            return (process, line)
        } catch {
            close(readEnd)
            process.terminate()
            throw error
        }
    }

    /// SIGTERM, up to `graceSeconds` for a clean exit, then SIGKILL. Reaps the child.
    func terminate(graceSeconds: Double = 10) {
        guard kill(pid, SIGTERM) == 0 || errno != ESRCH else {
            _ = reap(blocking: false)
            return
        }
        let deadline = Date().addingTimeInterval(graceSeconds)
        while Date() < deadline {
            if reap(blocking: false) { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = reap(blocking: true)
    }

    /// The last `bytes` of the node's log, for error messages.
    func logTail(bytes: Int = 3_000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "(no log at \(logPath))" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    /// True once the child has exited (and is reaped, by this call or an earlier one).
    private func reap(blocking: Bool) -> Bool {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid { return true }
            if result == 0 { return false }
            if errno == EINTR { continue }
            return true  // ECHILD: already reaped
        }
    }

    private func readReadyLine(from fd: Int32, timeoutSeconds: Double) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) { return Array(buffer[..<newline]) }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw HarnessError("The devchain printed no ready line within \(Int(timeoutSeconds)) s. Its log (\(logPath)) ends:\n\(logTail())")
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 0.5) * 1000) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw HarnessError("poll() on the devchain's stdout failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                usleep(100_000)  // let the log catch up with the exit
                throw HarnessError("The devchain exited before it was ready. Its log (\(logPath)) ends:\n\(logTail())")
            } else if errno != EINTR {
                throw HarnessError("Reading the devchain's stdout failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads and discards the rest of stdout on a thread of its own until the node exits.
    private static func startDraining(_ fd: Int32) {
        let thread = Thread {
            var sink = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = sink.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                break
            }
            close(fd)
        }
        thread.name = "devchain-stdout"
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// The test process's environment with the devchain package on PYTHONPATH and unbuffered output.
    private static func childEnvironment(pythonPath: String) -> [String] {
        var variables = ProcessInfo.processInfo.environment
        if let existing = variables["PYTHONPATH"], !existing.isEmpty {
            variables["PYTHONPATH"] = pythonPath + ":" + existing
        } else {
            variables["PYTHONPATH"] = pythonPath
        }
        variables["PYTHONUNBUFFERED"] = "1"
        return variables.map { "\($0.key)=\($0.value)" }
    }
}
