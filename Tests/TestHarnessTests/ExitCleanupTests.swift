import Foundation
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A test run that crashes, or is told to stop, leaves no child behind: this test process runs
/// itself again as a helper that starts a child with a grandchild (`sh -c "sleep & wait"`) and
/// then dies, and both must be gone afterwards.
final class ExitCleanupTests: XCTestCase {
    private static let helperVariable = "PAYMENTD_EXIT_CLEANUP_HELPER"

    func testACrashLeavesNoChildren() throws {
        try assertNoChildrenSurvive(mode: "crash")
    }

    func testSIGTERMLeavesNoChildren() throws {
        try assertNoChildrenSurvive(mode: "terminate")
    }

    /// In the helper process (this test binary run again with the helper variable set), the
    /// helper's body runs before any test of the class, so the helper is no test of its own
    /// (and nothing is reported skipped in the normal run).
    override class func setUp() {
        super.setUp()
        if let request = ProcessInfo.processInfo.environment[helperVariable] { runHelper(request) }
    }

    /// Starts a child with a grandchild, writes their pids, then crashes or is terminated.
    private static func runHelper(_ request: String) -> Never {
        let parts = request.split(separator: ":", maxSplits: 1).map(String.init)
        let (mode, directory) = (parts[0], parts[1])
        let child: ChildProcess
        do {
            // Written whole, then renamed: the file appears only once it holds the pid (a plain
            // redirect creates it empty first, and the helper could die before the pid was in it).
            child = try ChildProcess.spawn("/bin/sh", ["-c", "sleep 600 & echo $! > '\(directory)/grandchild.tmp' && "
                                                       + "mv '\(directory)/grandchild.tmp' '\(directory)/grandchild'; wait"],
                                           environment: ["PATH": "/usr/bin:/bin"])
            try "\(child.pid)".write(toFile: directory + "/child", atomically: true, encoding: .utf8)
        } catch {
            fatalError("the helper could not start its child: \(error)")
        }
        // Kept alive to the end: a released ChildProcess kills its process group (its deinit),
        // which would end the child before it started the grandchild, and test nothing.
        withExtendedLifetime(child) {
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: directory + "/grandchild"), Date() < deadline { usleep(10_000) }
            if mode == "crash" { fatalError("a deliberate crash of the helper process") }
            _ = raise(SIGTERM)
            sleep(30)
        }
        fatalError("SIGTERM did not end the helper")
    }

    private func assertNoChildrenSurvive(mode: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = FileManager.default.temporaryDirectory.path + "/exit-cleanup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment[Self.helperVariable] = "\(mode):\(directory)"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let helper = try ChildProcess.run(testBinary, ["TestHarnessTests.ExitCleanupTests/testACrashLeavesNoChildren"],
                                          environment: environment, timeoutSeconds: 120)
        XCTAssertNotEqual(helper.status, 0, "the helper must have died: \(helper)", file: file, line: line)
        let pids = try ["child", "grandchild"].map { name -> pid_t in
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            return try XCTUnwrap(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "\(name): \(text)", file: file, line: line)
        }
        let deadline = Date().addingTimeInterval(10)
        while pids.contains(where: Self.isAlive), Date() < deadline { usleep(20_000) }
        for pid in pids where Self.isAlive(pid) {
            _ = kill(pid, SIGKILL)
            XCTFail("process \(pid) outlived the helper (\(mode)): \(helper)", file: file, line: line)
        }
    }

    /// Running, as opposed to gone or a zombie waiting for whoever inherited it.
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let state = stat.split(separator: ")").last?.split(separator: " ").first else { return false }
        return state != "Z" && state != "X"
    }
}
