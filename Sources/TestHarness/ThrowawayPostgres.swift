import Foundation
import Postgres

/// A PostgreSQL 15 cluster that lives for one test process, in a temporary directory, listening
/// only on a Unix socket there.
///
/// Integration tests must run against a real database, never a mock. `initdb` refuses to run as
/// root (and CI runs as root), so when the process is root the cluster is created and started as
/// the unprivileged `postgres` user through `runuser`. Each test asks for a database of its own
/// (`makeDatabase()`), so tests never see each other's rows. The cluster is stopped when the
/// process exits, and its server is killed (SIGQUIT, PostgreSQL's immediate shutdown) if the
/// test process crashes (`ExitCleanup`).
public final class ThrowawayPostgres: Sendable {
    /// The directory holding `data/` and the socket directory `sock/`.
    public let root: String
    public let socketDirectory: String
    private let binDirectory: String
    private let runAsUser: String?

    private static let sharedInstance = Result { try ThrowawayPostgres() }

    /// The cluster shared by every test in this process, started on first use.
    public static func shared() throws -> ThrowawayPostgres {
        try sharedInstance.get()
    }

    /// Starts a new cluster. Prefer `shared()`: a cluster takes a second or two to start.
    public init() throws {
        binDirectory = try Self.findBinDirectory()
        runAsUser = getuid() == 0 ? "postgres" : nil
        let base = FileManager.default.temporaryDirectory.path
        root = try Self.makeTemporaryDirectory(in: base, prefix: "paymentd-pg-")
        socketDirectory = root + "/sock"
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if let user = runAsUser {
            try ChildProcess.run("/bin/chown", ["-R", "\(user):\(user)", root]).requireSuccess("chown \(root)")
        }
        try runTool("initdb", ["-D", root + "/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        let options = "-k \(socketDirectory) -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200"
        try runTool("pg_ctl", ["-D", root + "/data", "-l", root + "/server.log", "-w", "-t", "60", "-o", options, "start"])
        watchServerProcess()
        ExitCleanup.shared.atExit { [self] in stop() }
    }

    /// A libpq connection string for `database` on this cluster.
    public func conninfo(database: String = "postgres") -> String {
        "host=\(socketDirectory) dbname=\(database) user=postgres"
    }

    /// The path of one of the cluster's PostgreSQL 15 client programs (`pg_dump`, `pg_restore`,
    /// `psql`), the major version of the server, for tests that run them as an operator would.
    public func clientProgram(_ name: String) -> String {
        binDirectory + "/" + name
    }

    /// Creates an empty database with a unique name and returns its connection string.
    public func makeDatabase(prefix: String = "test") throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let admin = try PostgresConnection(conninfo: conninfo())
        try admin.execute("CREATE DATABASE \(name)")
        admin.close()
        return conninfo(database: name)
    }

    /// Stops the server (immediately) and deletes its files.
    public func stop() {
        try? runTool("pg_ctl", ["-D", root + "/data", "-m", "immediate", "-w", "stop"])
        if let pid = serverProcessID() { ExitCleanup.shared.forget(pid) }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Stops the server with a fast shutdown and starts it again on the same files: what a
    /// database restart under a running daemon looks like.
    public func restart() throws {
        let options = "-k \(socketDirectory) -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200"
        if let pid = serverProcessID() { ExitCleanup.shared.forget(pid) }
        try runTool("pg_ctl", ["-D", root + "/data", "-l", root + "/server.log", "-w", "-t", "60", "-m", "fast", "-o", options, "restart"])
        watchServerProcess()
    }

    /// pg_ctl daemonizes the server, so it is not our child: its pid comes from
    /// `postmaster.pid`, and a crash of the test process sends it SIGQUIT.
    private func watchServerProcess() {
        if let pid = serverProcessID() { ExitCleanup.shared.kill(pid, signal: SIGQUIT, group: false) }
    }

    private func serverProcessID() -> pid_t? {
        guard let text = try? String(contentsOfFile: root + "/data/postmaster.pid", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Runs a PostgreSQL tool to completion (as `postgres` when we are root); generous time,
    /// because `initdb` and `pg_ctl -w` on a loaded machine take a while.
    private func runTool(_ tool: String, _ arguments: [String]) throws {
        let path = binDirectory + "/" + tool
        let command = runAsUser.map { ("/usr/sbin/runuser", ["-u", $0, "--", path] + arguments) } ?? (path, arguments)
        try ChildProcess.run(command.0, command.1, timeoutSeconds: 180).requireSuccess("\(tool) \(arguments.joined(separator: " "))")
    }

    private static func findBinDirectory() throws -> String {
        let candidates = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]
        for dir in candidates where FileManager.default.isExecutableFile(atPath: dir + "/initdb") {
            return dir
        }
        throw HarnessError("PostgreSQL server binaries not found in \(candidates). Install them: apt-get install -y postgresql-15")
    }

    private static func makeTemporaryDirectory(in base: String, prefix: String) throws -> String {
        var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw HarnessError("mkdtemp failed in \(base)") }
        let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        chmod(path, 0o755)
        return path
    }
}
