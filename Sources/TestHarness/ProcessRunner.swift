import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a helper program to completion and reports its output; the harnesses use it for
/// `initdb`, `pg_ctl` and friends so a failure shows what the tool printed.
///
/// It uses `posix_spawn` + `waitpid` rather than Foundation's `Process`, whose `waitUntilExit`
/// was seen hanging here after `pg_ctl start` (a child that leaves a daemon behind). Output goes
/// to a temporary file, not a pipe, so a daemon that inherits it cannot keep us waiting for EOF.
public enum ProcessRunner {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let output: String
        public var description: String { "`\(command)` exited with \(status):\n\(output)" }
    }

    /// Runs `executable` with `arguments`; throws `Failure` on a non-zero exit.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.path + "/paymentd-run-\(UUID().uuidString).log"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(command: executable, status: -1, output: "posix_spawn failed: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { break }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code == 0 else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), status: code, output: output)
        }
        return output
    }
}
