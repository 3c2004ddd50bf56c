import Foundation
import TestHarness
import XCTest

/// The units, the sysusers.d and tmpfiles.d snippets and the example configuration as one
/// system: names, paths, users and groups that one file promises and another relies on. A
/// mismatch here would only show on a production host (a socket nobody may open, a credential
/// the config does not name), so it is pinned without starting anything.
final class UnitFileTests: XCTestCase {
    let root = PaymentdWorkspace.repositoryRoot

    func testTheSocketIsWhereEveryClientAndTheDaemonsDefaultLookAndOnlyItsGroupMayOpenIt() throws {
        let socket = try SystemdUnitFile.repository("paymentd.socket")
        let path = try socket.required("ListenStream", in: "Socket")
        XCTAssertEqual(path, "/run/paymentd/paymentd.sock")
        XCTAssertEqual(try socket.mode("SocketMode", in: "Socket"), 0o660)
        let group = try socket.required("SocketGroup", in: "Socket")
        XCTAssertEqual(group, "paymentd")

        let help = try Self.paymentdHelp()
        let flatHelp = help.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        XCTAssertTrue(flatHelp.contains("(default \(path))"), "paymentd's default socket_path is not the unit's ListenStream:\n\(help)")
        let health = try SystemdUnitFile.repository("paymentd-health.service").execStart
        XCTAssertEqual(health.firstIndex(of: "--socket").map { health[$0 + 1] }, path, "\(health)")
        XCTAssertEqual(try Self.setting("socket_path", in: root + "/systemd/etc/mint-server.conf"), path)

        // The directory: made by tmpfiles.d for root and the socket's group only.
        let tmpfiles = try Self.lines(root + "/systemd/tmpfiles.d/paymentd.conf")
        XCTAssertTrue(tmpfiles.contains(["d", "/run/paymentd", "0750", "root", group, "-"]), "\(tmpfiles)")
    }

    func testEveryServiceUserExistsAndTheSocketsClientsAreInItsGroup() throws {
        let sysusers = try Self.lines(root + "/systemd/sysusers.d/paymentd.conf")
        let users = Set(sysusers.filter { $0.first == "u" }.map { $0[1] })
        let group = try SystemdUnitFile.repository("paymentd.socket").required("SocketGroup", in: "Socket")
        XCTAssertTrue(users.contains(group), "sysusers makes the socket's group as the daemon's user group: \(users)")
        let daemon = try SystemdUnitFile.repository("paymentd.service")
        XCTAssertEqual(daemon.value("User", in: "Service"), group)
        XCTAssertEqual(daemon.value("Group", in: "Service"), group)
        for name in ["mint-server.service", "paymentd-health.service"] {
            let unit = try SystemdUnitFile.repository(name)
            let user = try unit.required("User", in: "Service")
            XCTAssertTrue(users.contains(user), "\(name): User=\(user) is not made by sysusers.d")
            XCTAssertNotEqual(user, group, "\(name) must not run as the daemon's user (it would be an admin)")
            XCTAssertTrue(sysusers.contains(["m", user, group]), "\(name): \(user) is not a member of \(group)")
            XCTAssertEqual(unit.values("SupplementaryGroups", in: "Service"), [group], name)
            XCTAssertEqual(unit.credentials, [], "\(name) gets no credentials")
        }
    }

    func testTheDaemonsUnitIsANotifyServiceOfItsSocketWithWatchdogRestartAndCredentialsFromTheCredstore() throws {
        let unit = try SystemdUnitFile.repository("paymentd.service")
        XCTAssertEqual(unit.value("Type", in: "Service"), "notify")
        XCTAssertEqual(unit.value("NotifyAccess", in: "Service"), "main")
        XCTAssertEqual(unit.values("Requires", in: "Unit"), ["paymentd.socket"])
        XCTAssertTrue(try unit.required("After", in: "Unit").split(separator: " ").contains("paymentd.socket"))
        XCTAssertEqual(unit.value("Restart", in: "Service"), "on-failure")
        let watchdog = try unit.seconds("WatchdogSec", in: "Service")
        XCTAssertGreaterThan(watchdog, 60, "half of WatchdogSec must outlast the database's 60 s statement_timeout")
        XCTAssertGreaterThan(try unit.seconds("TimeoutStartSec", in: "Service"), 60, "start-up waits up to 60 s for an RPC endpoint")
        XCTAssertGreaterThanOrEqual(try unit.seconds("TimeoutStopSec", in: "Service"), 30)
        XCTAssertEqual(unit.execStart, ["/usr/bin/paymentd", "--config", "/etc/paymentd/paymentd.conf"])
        for credential in unit.credentials {
            XCTAssertTrue(credential.path.hasPrefix("/etc/credstore/paymentd."), "\(credential)")
        }
        XCTAssertEqual(Set(unit.credentials.map(\.id)), ["signer-0", "minter", "pgpass"])
        XCTAssertEqual(unit.environment(credentialsDirectory: "/C")["PGPASSFILE"], "/C/pgpass")
        let tmpfiles = try Self.lines(root + "/systemd/tmpfiles.d/paymentd.conf")
        XCTAssertTrue(tmpfiles.contains(["d", "/etc/credstore", "0700", "root", "root", "-"]), "\(tmpfiles)")
        // Restart must not be defeated by a user namespace hiding clients' uids (admin policy).
        XCTAssertNil(unit.value("PrivateUsers", in: "Service"))
    }

    func testTheHealthCheckRunsEveryMinuteAndOnlyCriticalOrUnknownFailsItsUnit() throws {
        let service = try SystemdUnitFile.repository("paymentd-health.service")
        XCTAssertEqual(service.value("Type", in: "Service"), "oneshot")
        XCTAssertEqual(service.values("SuccessExitStatus", in: "Service"), ["1"], "WARNING (1) is a result; CRITICAL (2) and UNKNOWN (3) fail the unit")
        let args = service.execStart
        XCTAssertEqual(args.first, "/usr/bin/paymentd-health")
        let prometheus = try XCTUnwrap(args.firstIndex(of: "--prometheus").map { args[$0 + 1] })
        let stateDirectory = try service.required("StateDirectory", in: "Service")
        XCTAssertEqual(prometheus, "/var/lib/\(stateDirectory)/paymentd.prom")
        let tmpfiles = try Self.lines(root + "/systemd/tmpfiles.d/paymentd.conf")
        XCTAssertTrue(tmpfiles.contains(["L", "/var/lib/prometheus/node-exporter/paymentd.prom", "-", "-", "-", "-", prometheus]),
                      "node_exporter's textfile directory links to the health check's file: \(tmpfiles)")
        let timer = try SystemdUnitFile.repository("paymentd-health.timer")
        XCTAssertEqual(try timer.seconds("OnUnitActiveSec", in: "Timer"), 60)
        XCTAssertLessThan(try service.seconds("TimeoutStartSec", in: "Service"), 60, "a check must end before the next one is due")
    }

    func testMintServerNeedsTheSocketAndNothingElse() throws {
        let unit = try SystemdUnitFile.repository("mint-server.service")
        XCTAssertEqual(unit.values("Requires", in: "Unit"), ["paymentd.socket"])
        XCTAssertTrue(try unit.required("After", in: "Unit").split(separator: " ").contains("paymentd.socket"))
        XCTAssertEqual(unit.execStart, ["/usr/bin/mint-server", "--config", "/etc/paymentd/mint-server.conf"])
        XCTAssertEqual(unit.credentials, [])
        XCTAssertNil(unit.value("Environment", in: "Service"), "mint-server is configured by its file only")
    }

    func testTheExampleConfigurationNamesEveryKeyPaymentdAcceptsAndNoSecret() throws {
        let help = try Self.paymentdHelp()
        // `paymentd --help` lists the keys as "  key: sentence" (sentences wrap onto lines of their own).
        let keysSection = help.split(separator: "\n", omittingEmptySubsequences: false).drop { $0 != "Keys:" }.dropFirst()
            .prefix { !$0.isEmpty }
        let keys = keysSection.compactMap { line -> String? in
            guard line.hasPrefix("  "), let colon = line.firstIndex(of: ":") else { return nil }
            let key = line[line.startIndex..<colon].trimmingCharacters(in: .whitespaces)
            return !key.isEmpty && key.allSatisfy({ $0.isLowercase || $0 == "_" }) ? key : nil
        }
        XCTAssertGreaterThan(keys.count, 10, "the key list was not found in paymentd --help:\n\(help)")
        let example = try String(contentsOfFile: root + "/systemd/etc/paymentd.conf", encoding: .utf8)
        for key in keys {
            XCTAssertNotNil(example.range(of: "(?m)^(# )?\(key) = ", options: .regularExpression), "the example configuration does not show \(key)")
        }
        XCTAssertNil(example.range(of: "0x[0-9a-fA-F]{64}", options: .regularExpression), "no key material in the example")
        XCTAssertNil(example.range(of: "password=", options: .caseInsensitive), "the database password is a credential (pgpass)")
    }

    // MARK: Helpers

    /// `paymentd --help`, from the binary the tests were built with.
    static func paymentdHelp() throws -> String {
        let result = try ChildProcess.run(try PaymentdProcess.binaryPath(), ["--help"])
        return result.stdout + result.stderr
    }

    /// The whitespace-separated fields of each non-comment line.
    static func lines(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
    }

    /// The value of an active `key = value` line of a config file.
    static func setting(_ key: String, in path: String) throws -> String? {
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == key { return parts[1] }
        }
        return nil
    }
}
