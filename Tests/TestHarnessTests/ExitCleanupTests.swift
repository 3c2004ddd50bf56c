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

    /// Not a test of its own: the body of the helper process, which the tests above start.
    func testHelperStartsChildrenAndDies() throws {
        guard let request = ProcessInfo.processInfo.environment[Self.helperVariable] else {
            throw XCTSkip("runs only as the helper process of the other ExitCleanupTests")
        }
        let parts = request.split(separator: ":", maxSplits: 1).map(String.init)
        let (mode, directory) = (parts[0], parts[1])
        let child = try ChildProcess.spawn("/bin/sh", ["-c", "sleep 600 & echo $! > '\(directory)/grandchild'; wait"],
                                           environment: ["PATH": "/usr/bin:/bin"])
        try "\(child.pid)".write(toFile: directory + "/child", atomically: true, encoding: .utf8)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: directory + "/grandchild"), Date() < deadline { usleep(10_000) }
        if mode == "crash" { fatalError("a deliberate crash of the helper process") }
        _ = raise(SIGTERM)
        sleep(30)
    }

    private func assertNoChildrenSurvive(mode: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = FileManager.default.temporaryDirectory.path + "/exit-cleanup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment[Self.helperVariable] = "\(mode):\(directory)"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let helper = try ChildProcess.run(testBinary, ["TestHarnessTests.ExitCleanupTests/testHelperStartsChildrenAndDies"],
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
