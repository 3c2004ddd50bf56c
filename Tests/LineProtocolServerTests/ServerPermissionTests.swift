import Foundation
import JSON
@testable import LineProtocolServer
import LineProtocolTesting
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class ServerPermissionTests: XCTestCase {
    private let paymentID = "00000000-0000-4000-8000-000000000001"

    func testAdminCommandsAreRefusedForAPeerThatIsNotAnAdmin() async throws {
        // The client runs as this process's uid, which a daemon always counts as an admin; a
        // policy with no admins at all, built here, makes the same real SO_PEERCRED uid a
        // non-admin. (testTheKernelReportedUIDOfAnotherUserDecides sees the refusal under the
        // production policy, with a client running as another uid.)
        let harness = try await ServerHarness.start {
            $0.adminPolicy = AdminPolicy(adminUIDs: [])
        }
        await harness.service.insert(ProtocolSample.snapshot(id: paymentID, status: .pending))
        let client = try harness.rawClient()
        let lines = [
            #"{"id":1,"cmd":"stop"}"#, #"{"id":2,"cmd":"retry","payment_id":"\#(paymentID)"}"#,
            #"{"id":3,"cmd":"cancel","payment_id":"\#(paymentID)"}"#, #"{"id":4,"cmd":"settings","action":"set","key":"payment_batch_size","value":"5"}"#,
            "stop", #"{"id":6,"cmd":"status","payment_id":"\#(paymentID)"}"#, #"{"id":7,"cmd":"settings"}"#,
        ]
        let responses = try await BlockingWork.run { try lines.map { try client.exchange($0) } }
        for response in responses.prefix(5) {
            XCTAssertEqual(response["error"]?["code"], "permission_denied")
            XCTAssertTrue(response["error"]?["message"]?.stringValue?.contains("uid \(getuid())") == true)
        }
        XCTAssertEqual(responses[5]["result"]?["status"], "pending")
        XCTAssertEqual(responses[6]["ok"], true)
        let stops = await harness.stopRequests.count
        let mutations = await harness.service.mutatingCalls
        XCTAssertEqual(stops, 0)
        XCTAssertEqual(mutations, 0)
        await harness.stop()
    }

    func testTheDaemonsPolicyAdmitsRootItsOwnUserAndTheListedUIDsAndNeverAnUnknownPeer() {
        let policy = AdminPolicy.rootAndDaemonUser(adding: [4242])
        XCTAssertTrue(policy.permits(uid: 0))
        XCTAssertTrue(policy.permits(uid: geteuid()))
        XCTAssertTrue(policy.permits(uid: 4242))
        XCTAssertEqual(policy.permits(uid: 65534), geteuid() == 65534)
        XCTAssertFalse(policy.permits(uid: nil))
        XCTAssertEqual(ProtocolServerConfiguration(listener: .path("/unused")).adminPolicy, .rootAndDaemonUser())
    }

    func testListedAdminUIDsMayRunAdminCommands() async throws {
        let harness = try await ServerHarness.start {
            $0.adminPolicy = AdminPolicy(adminUIDs: [getuid()])
        }
        let response = try await BlockingWork.run {
            try harness.rawClient().exchange(#"{"id":1,"cmd":"settings","key":"payment_batch_size","value":"50"}"#)
        }
        XCTAssertEqual(response["ok"], true)
        await harness.stop()
    }

    func testTheKernelReportedUIDOfAnotherUserDecides() async throws {
        try XCTSkipUnless(getuid() == 0, "needs root to run a client as another user")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
                          && FileManager.default.isExecutableFile(atPath: "/usr/bin/socat"), "needs setpriv and socat")
        let harness = try await ServerHarness.start {
            $0.listener = .path($0.socketPathForTests, groupID: 65534)
        }
        let output = try Self.runAsNobody(socketPath: harness.socketPath, input: "ping\nstop\nsettings set payment_batch_size 3\n")
        let responses = output.split(separator: "\n").compactMap { try? StrictJSONParser.parse(String($0)) }
        XCTAssertEqual(responses.count, 3, output)
        XCTAssertEqual(responses.first?["result"], ["pong": true])
        XCTAssertEqual(responses.dropFirst().map { $0["error"]?["code"] }, ["permission_denied", "permission_denied"])
        XCTAssertTrue(responses.last?["error"]?["message"]?.stringValue?.contains("uid 65534") == true)
        let stops = await harness.stopRequests.count
        XCTAssertEqual(stops, 0)
        await harness.stop()
    }

    func testUsersOutsideTheSocketsGroupCannotConnectAtAll() async throws {
        try XCTSkipUnless(getuid() == 0, "needs root to run a client as another user")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
                          && FileManager.default.isExecutableFile(atPath: "/usr/bin/socat"), "needs setpriv and socat")
        let harness = try await ServerHarness.start()
        let output = try Self.runAsNobody(socketPath: harness.socketPath, input: "ping\n")
        XCTAssertFalse(output.contains("pong"), "mode 0660 must keep others out: \(output)")
        XCTAssertTrue(output.contains("Permission denied"), output)
        await harness.stop()
    }

    /// Runs `socat` as uid/gid 65534 against the socket and returns what it printed (standard
    /// output, then standard error).
    private static func runAsNobody(socketPath: String, input: String) throws -> String {
        let output = try ChildProcess.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                               "/usr/bin/socat", "-t", "3", "-", "UNIX-CONNECT:\(socketPath)"],
                                          input: input)
        return output.stdout + output.stderr
    }
}

extension ProtocolServerConfiguration {
    /// The path the harness configured, to re-state it with a group.
    var socketPathForTests: String {
        if case .path(let path, _) = listener { return path }
        return ""
    }
}
