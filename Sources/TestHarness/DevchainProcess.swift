import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The devchain's Python process: started by `ChildProcess`, its ready line read from a pipe
/// with a deadline, the rest of its standard output drained, its standard error in a log file.
///
/// The pipe is read until the ready line and then drained to EOF by a background thread, so a
/// chatty node never blocks on a full pipe; the log is a file for the same reason.
struct DevchainProcess: Sendable {
    let child: ChildProcess
    let logPath: String
    var pid: pid_t { child.pid }

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
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(python, ["-m", "devchain"] + arguments,
                                           environment: childEnvironment(pythonPath: devchainDirectory),
                                           stdout: .descriptor(writeEnd), stderr: .file(logPath))
        } catch {
            close(readEnd)
            close(writeEnd)
            throw error
        }
        close(writeEnd)
        let process = DevchainProcess(child: child, logPath: logPath)
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
        child.terminate(graceSeconds: graceSeconds)
    }

    /// The last `bytes` of the node's log, for error messages.
    func logTail(bytes: Int = 3_000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "(no log at \(logPath))" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
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
    private static func childEnvironment(pythonPath: String) -> [String: String] {
        var variables = ProcessInfo.processInfo.environment
        if let existing = variables["PYTHONPATH"], !existing.isEmpty {
            variables["PYTHONPATH"] = pythonPath + ":" + existing
        } else {
            variables["PYTHONPATH"] = pythonPath
        }
        variables["PYTHONUNBUFFERED"] = "1"
        return variables
    }
}
