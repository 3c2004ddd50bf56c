import Foundation
import Postgres

/// A PostgreSQL 15 cluster that lives for one test process, in a temporary directory, listening
/// only on a Unix socket there.
///
/// Integration tests must run against a real database, never a mock. `initdb` refuses to run as
/// root (and CI runs as root), so when the process is root the cluster is created and started as
/// the unprivileged `postgres` user through `runuser`. Each test asks for a database of its own
/// (`makeDatabase()`), so tests never see each other's rows. The cluster is stopped when the
/// process exits.
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
            try ProcessRunner.run("/bin/chown", ["-R", "\(user):\(user)", root])
        }
        try runTool("initdb", ["-D", root + "/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        let options = "-k \(socketDirectory) -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200"
        try runTool("pg_ctl", ["-D", root + "/data", "-l", root + "/server.log", "-w", "-t", "60", "-o", options, "start"])
        Self.registerForCleanup(self)
    }

    /// A libpq connection string for `database` on this cluster.
    public func conninfo(database: String = "postgres") -> String {
        "host=\(socketDirectory) dbname=\(database) user=postgres"
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
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Stops the server with a fast shutdown and starts it again on the same files: what a
    /// database restart under a running daemon looks like.
    public func restart() throws {
        let options = "-k \(socketDirectory) -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200"
        try runTool("pg_ctl", ["-D", root + "/data", "-l", root + "/server.log", "-w", "-t", "60", "-m", "fast", "-o", options, "restart"])
    }

    private func runTool(_ tool: String, _ arguments: [String]) throws {
        let path = binDirectory + "/" + tool
        if let user = runAsUser {
            try ProcessRunner.run("/usr/sbin/runuser", ["-u", user, "--", path] + arguments)
        } else {
            try ProcessRunner.run(path, arguments)
        }
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

    private static let cleanup = CleanupList()

    private static func registerForCleanup(_ cluster: ThrowawayPostgres) {
        cleanup.add(cluster)
    }
}

/// Clusters to stop when the test process exits.
private final class CleanupList: @unchecked Sendable {
    // @unchecked Sendable: `clusters` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var clusters: [ThrowawayPostgres] = []
    private var registered = false

    func add(_ cluster: ThrowawayPostgres) {
        lock.lock()
        defer { lock.unlock() }
        clusters.append(cluster)
        if !registered {
            registered = true
            atexit { stopAllThrowawayClusters() }
        }
    }

    func drain() -> [ThrowawayPostgres] {
        lock.lock()
        defer { lock.unlock() }
        let all = clusters
        clusters = []
        return all
    }
}

private func stopAllThrowawayClusters() {
    for cluster in ThrowawayPostgres.cleanupList.drain() { cluster.stop() }
}

extension ThrowawayPostgres {
    fileprivate static var cleanupList: CleanupList { cleanup }
}

/// A harness could not set up what a test needs; the message says what to install or fix.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
