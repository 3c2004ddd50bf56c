import LineProtocolClient
import LineProtocolCodec
import OperatorCLI
import XCTest

/// payctl's exit statuses and what it prints for each kind of failure.
final class ExitStatusTests: XCTestCase {
    func testEachFailureClassHasItsOwnExitStatus() {
        XCTAssertEqual(PayctlExitStatus(.remote(WireError(code: "not_found", message: "m"))), .notFound)
        XCTAssertEqual(PayctlExitStatus(.remote(WireError(code: "permission_denied", message: "m"))), .refused)
        XCTAssertEqual(PayctlExitStatus(.malformedResponse("x")), .refused)
        XCTAssertEqual(PayctlExitStatus(.connectionFailed(path: "/x", reason: "r")), .unreachable)
        XCTAssertEqual(PayctlExitStatus(.timedOut), .unreachable)
        XCTAssertEqual(PayctlExitStatus(.connectionClosed), .unreachable)
        XCTAssertEqual(PayctlExitStatus.allCases.map(\.rawValue), [0, 1, 2, 3, 4])
    }

    func testARefusalPrintsTheCodeTheMessageAndWhatToDo() {
        let report = FailureReport(.remote(WireError(code: "permission_denied", message: "stop is an admin command.")), socketPath: "/s", problem: nil)
        XCTAssertEqual(report.lines, [
            "payctl: permission_denied: stop is an admin command.",
            "  Admin commands need root, the daemon's own user, or a uid listed in the daemon's admin_uids.",
        ])
        XCTAssertEqual(report.exitStatus, .refused)
    }

    func testAnUnreachableDaemonNamesTheSocketAndTheService() {
        let report = FailureReport(.connectionFailed(path: "/run/p.sock", reason: "ECONNREFUSED"), socketPath: "/run/p.sock", problem: .refused)
        XCTAssertEqual(report.exitStatus, .unreachable)
        XCTAssertEqual(report.lines.count, 1)
        XCTAssertTrue(report.lines[0].hasPrefix("payctl: daemon_unreachable: Nothing accepts connections on /run/p.sock"), report.lines[0])
        XCTAssertTrue(report.lines[0].contains("systemctl status paymentd.service"), report.lines[0])
    }
}
