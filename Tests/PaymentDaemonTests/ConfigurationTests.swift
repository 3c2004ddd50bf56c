import Foundation
import LineProtocolClient
import PaymentDaemon
import PaymentModel
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// How the real binary is configured: a config file, `PAYMENTD_<KEY>` variables and flags (in
/// that order of precedence), key files (also in `$CREDENTIALS_DIRECTORY`), and what it says
/// when the configuration is wrong. No private key ever appears in its output, logs, argv or
/// environment.
final class ConfigurationTests: XCTestCase {
    func testCheckConfigPrintsASummaryWithoutAnyPrivateKey() async throws {
        let bed = try await DaemonTestbed()
        let output = try await Self.checkConfig(bed, ["--config", bed.workspace.configPath])
        XCTAssertEqual(output.status, 0, output.description)
        XCTAssertTrue(output.stdout.contains("configuration ok"), output.description)
        XCTAssertTrue(output.stdout.contains("chain \(bed.chain.chainID)"), output.description)
        for signer in bed.chain.signers { XCTAssertTrue(output.stdout.contains(signer.address), "\(signer.address) in \(output.stdout)") }
        XCTAssertTrue(output.stdout.contains(bed.chain.minter.address), output.stdout)
        Self.assertNoPrivateKey(in: output.stdout + output.stderr, bed.workspace)
        XCTAssertNil(try bed.database().query("SELECT to_regclass('schema_migrations') AS t").first?.text("t"),
                     "--check-config touches nothing")
    }

    func testBrokenConfigurationsFailWithAMessageThatNamesTheProblem() async throws {
        let bed = try await DaemonTestbed()
        let workspace = bed.workspace
        let garbage = try workspace.writeSecret("not a key\n", named: "garbage.key")
        // 31 bytes of hex: close to a key; its text must not be echoed back.
        let shortKey = "0x" + String(repeating: "ab", count: 31)
        let short = try workspace.writeSecret(shortKey + "\n", named: "short.key")
        let cases: [(name: String, overrides: [String: String?], extra: [String], environment: [String: String], expected: String)] = [
            ("missing key file", ["signer_key_files": workspace.directory + "/nowhere.key"], [], [:], workspace.directory + "/nowhere.key"),
            ("not a key", ["signer_key_files": garbage], [], [:], "does not hold a 32-byte hex private key"),
            ("short key", ["minter_key_file": short], [], [:], "does not hold a 32-byte hex private key"),
            ("bad receiver", ["receiver": "0x1234"], [], [:], "receiver"),
            ("bad payment token", ["payment_tokens": "0xzz:USD Coin:2"], [], [:], "payment_tokens"),
            ("unknown key", [:], ["colour = blue"], [:], "unknown key colour"),
            ("bad chain id", ["chain_id": "eighty"], [], [:], "chain_id must be a positive integer"),
            ("no database", ["database_url": nil], [], [:], "database_url is required"),
            ("no signer", ["signer_key_files": nil], [], [:], "signer_key_files"),
            ("shared wallet", ["minter_key_file": workspace.signerKeyPaths[0]], [], [:], "different wallets"),
            ("bad environment", [:], [], ["PAYMENTD_CHAIN_ID": "xyz"], "PAYMENTD_CHAIN_ID"),
            ("bad log level", ["log_level": "loud"], [], [:], "log_level"),
            ("not key = value", [:], ["just words"], [:], "expected key = value"),
            // Issue 8, items 4 and 6: no "any token" default, and every mint token has a price.
            ("no mint tokens", ["mint_tokens": nil], [], [:], "mint_tokens is required"),
            ("no prices", ["prices": nil], [], [:], "has no price"),
            ("price without quantity", ["prices": "\(bed.chain.mintToken):\(bed.chain.usdc):1000"], [], [:], "<max quantity>"),
            ("free items", ["prices": "\(bed.chain.mintToken):\(bed.chain.usdc):0:10"], [], [:], "positive integer"),
            ("price in another token", ["prices": "\(bed.chain.mintToken):\(bed.chain.mintToken):1000:10"], [], [:], "not in payment_tokens"),
        ]
        for item in cases {
            let path = try workspace.writeConfig(named: "broken.conf", overrides: item.overrides, extraLines: item.extra)
            let output = try await Self.checkConfig(bed, ["--config", path], environment: item.environment)
            XCTAssertNotEqual(output.status, 0, "\(item.name): \(output)")
            XCTAssertTrue(output.stderr.contains(item.expected), "\(item.name): expected \"\(item.expected)\" in:\n\(output.stderr)")
            Self.assertNoPrivateKey(in: output.stdout + output.stderr, workspace, also: [shortKey], item.name)
        }
        let missing = try await Self.checkConfig(bed, ["--config", workspace.directory + "/absent.conf"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot read config file"), missing.stderr)
        // A key given where a key file belongs is refused without being echoed into the log.
        let inline = try await Self.checkConfig(bed, ["--config", workspace.configPath, "--signer-key-file", bed.chain.signers[0].privateKey])
        XCTAssertNotEqual(inline.status, 0)
        XCTAssertTrue(inline.stderr.contains("key file name is a private key"), inline.stderr)
        Self.assertNoPrivateKey(in: inline.stdout + inline.stderr, workspace, "--signer-key-file <key>")
    }

    /// Keys reach the daemon the way paymentd.service's `LoadCredential=` lines pass them: one
    /// file per credential ID in `$CREDENTIALS_DIRECTORY` (read-only, owned by the service), the
    /// example configuration naming those IDs, and the unit's `Environment=` (PGPASSFILE=%d/pgpass)
    /// expanded as systemd expands it.
    func testKeysArriveAsTheUnitsCredentialsNamedByTheExampleConfiguration() async throws {
        let unit = try SystemdUnitFile.repository("paymentd.service")
        var example = DaemonConfiguration()
        try example.load(file: PaymentdWorkspace.repositoryRoot + "/systemd/etc/paymentd.conf")
        let credentialIDs = unit.credentials.map(\.id)
        let signerIDs = example.signerKeyFiles
        let minterID = try XCTUnwrap(example.minterKeyFile, "the example configuration names a minter credential")
        XCTAssertFalse(signerIDs.isEmpty)
        for id in signerIDs + [minterID] {
            XCTAssertTrue(credentialIDs.contains(id), "the example config names \(id), which paymentd.service does not load: \(credentialIDs)")
            XCTAssertFalse(id.contains("/"), "a credential is named by its ID, not a path: \(id)")
        }

        let bed = try await DaemonTestbed()
        let workspace = bed.workspace
        let credentials = try workspace.makeSubdirectory("credentials")
        var keys: [String: String] = [minterID: bed.chain.minter.privateKey]
        for (index, id) in signerIDs.enumerated() { keys[id] = bed.chain.signers[index + 1].privateKey }
        for credential in unit.credentials {
            // Every credential the unit loads exists, or systemd would refuse to start it; ones
            // that are not keys (the libpq password file) are empty here: the test cluster trusts.
            try workspace.writeSecret((keys[credential.id].map { $0 + "\n" }) ?? "", named: credential.id, in: credentials)
            chmod(credentials + "/" + credential.id, 0o400)
        }
        chmod(credentials, 0o500)
        let environment = unit.environment(credentialsDirectory: credentials)
        XCTAssertEqual(environment["PGPASSFILE"], credentials + "/pgpass", "\(environment)")
        let config = try workspace.writeConfig(named: "credentials.conf",
                                               overrides: ["signer_key_files": signerIDs.joined(separator: ","), "minter_key_file": minterID])

        let without = try await Self.checkConfig(bed, ["--config", config])
        XCTAssertNotEqual(without.status, 0, "relative names resolve against $CREDENTIALS_DIRECTORY, not by luck: \(without)")
        let checked = try await Self.checkConfig(bed, ["--config", config],
                                                 environment: environment.merging(["CREDENTIALS_DIRECTORY": credentials]) { $1 })
        XCTAssertEqual(checked.status, 0, checked.description)
        XCTAssertTrue(checked.stdout.contains("\(signerIDs.count) signer(s) \(bed.chain.signers[1].address)"), checked.stdout)

        // The daemon itself runs on them, socket-activated, with the unit's environment.
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated,
                                                     environment: environment.merging(["CREDENTIALS_DIRECTORY": credentials]) { $1 },
                                                     arguments: ["--config", config]))
        let client = bed.client()
        let stats = try await client.stats()
        XCTAssertEqual(stats.signers.filter { $0.role == .payment }.map(\.address),
                       signerIDs.indices.map { bed.chain.signers[$0 + 1].address })
        XCTAssertEqual(stats.signers.filter { $0.role == .mint }.map(\.address), [bed.chain.minter.address])
        await client.close()
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
        Self.assertNoPrivateKey(in: workspace.allLogs() + checked.stdout + checked.stderr, workspace, "log")
        chmod(credentials, 0o700)
    }

    func testFlagsOverrideTheEnvironmentWhichOverridesTheConfigFile() async throws {
        let bed = try await DaemonTestbed()
        let directory = bed.workspace.directory
        let (fromFile, fromEnvironment, fromFlag) = (bed.workspace.socketPath, directory + "/env.sock", directory + "/flag.sock")

        let environmentOnly = try await bed.startDaemon(.init(environment: ["PAYMENTD_SOCKET_PATH": fromEnvironment]))
        XCTAssertTrue(FileManager.default.fileExists(atPath: fromEnvironment))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fromFile))
        let first = await environmentOnly.terminate()
        XCTAssertEqual(first, 0, environmentOnly.logTail())
        // The config file says log_level = info; the flag's warning hides the notice-level "ready".
        XCTAssertTrue(environmentOnly.log().contains("paymentd ready"), environmentOnly.logTail())
        let flagged = try await bed.startDaemon(.init(environment: ["PAYMENTD_SOCKET_PATH": fromEnvironment],
                                                      extraArguments: ["--socket", fromFlag, "--log-level", "warning"]))
        XCTAssertTrue(FileManager.default.fileExists(atPath: fromFlag))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fromEnvironment))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fromFile))
        XCTAssertFalse(flagged.log().contains("paymentd ready"), "--log-level warning applies: \(flagged.logTail())")
        let client = PaymentdClient(socketPath: fromFlag)
        try await client.ping()
        await client.close()
        let second = await flagged.terminate()
        XCTAssertEqual(second, 0, flagged.logTail())
    }

    func testAWrongChainOrAnUnreachableDatabaseFailsStartWithoutReady() async throws {
        let bed = try await DaemonTestbed()
        let wrongChain = try PaymentdProcess.start(bed.workspace, .init(extraArguments: ["--chain-id", "1"]))
        let chainStatus = try await wrongChain.waitForExit(timeout: 90)
        XCTAssertNotEqual(chainStatus, 0)
        XCTAssertTrue(wrongChain.log().contains("configured for chain 1"), wrongChain.logTail())
        XCTAssertEqual(wrongChain.notifications.messages(containing: "READY=1").count, 0, wrongChain.notifications.transcript)

        let noDatabase = try PaymentdProcess.start(bed.workspace, .init(mode: .socketActivated,
                                                                         extraArguments: ["--database-url", bed.databaseURL + "_absent"]))
        try await noDatabase.activate()
        let databaseStatus = try await noDatabase.waitForExit(timeout: 90)
        XCTAssertNotEqual(databaseStatus, 0)
        XCTAssertTrue(noDatabase.log().contains("cannot run"), noDatabase.logTail())
        XCTAssertEqual(noDatabase.notifications.messages(containing: "READY=1").count, 0, noDatabase.notifications.transcript)
        Self.assertNoPrivateKey(in: wrongChain.log() + noDatabase.log(), bed.workspace)
    }

    func testNoPrivateKeyReachesTheLogArgvOrEnvironmentEvenAtTraceLevel() async throws {
        let bed = try await DaemonTestbed(logLevel: "trace")
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated))
        let client = bed.client()
        let enqueued = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(2), quantity: 3))
        try await bed.wait("a payment to be signed, sent, confirmed and minted", seconds: 120) {
            let payment = try await client.status(paymentID: enqueued.paymentID)
            return payment.status == .completed && !payment.mints.isEmpty && payment.mints.allSatisfy { $0.status == .completed }
        }
        let argv = String(decoding: FileManager.default.contents(atPath: "/proc/\(daemon.pid)/cmdline") ?? Data(), as: UTF8.self)
        let environment = String(decoding: FileManager.default.contents(atPath: "/proc/\(daemon.pid)/environ") ?? Data(), as: UTF8.self)
        XCTAssertTrue(argv.contains("--config"), argv)
        Self.assertNoPrivateKey(in: argv, bed.workspace, "argv")
        Self.assertNoPrivateKey(in: environment, bed.workspace, "environment")
        await client.close()
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
        let log = bed.workspace.allLogs()
        XCTAssertGreaterThan(log.count, 1_000, "a trace log says something")
        Self.assertNoPrivateKey(in: log, bed.workspace, "log")
    }

    // MARK: Helpers

    static func checkConfig(_ bed: DaemonTestbed, _ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcess.Result {
        let binary = try PaymentdProcess.binaryPath()
        var variables = ["PATH": "/usr/bin:/bin"]
        variables.merge(environment) { $1 }
        let all = arguments + ["--check-config"]
        let values = variables
        return try await BlockingWork.run { try ChildProcess.run(binary, all, environment: values) }
    }

    /// Fails if `text` holds any workspace key (or `also`), with or without 0x, in either case.
    static func assertNoPrivateKey(in text: String, _ workspace: PaymentdWorkspace, also: [String] = [], _ context: String = "",
                                   file: StaticString = #filePath, line: UInt = #line) {
        let haystack = text.lowercased()
        for key in workspace.privateKeys + also {
            let hex = key.lowercased().hasPrefix("0x") ? String(key.lowercased().dropFirst(2)) : key.lowercased()
            XCTAssertFalse(haystack.contains(hex), "\(context): a private key appears in the output", file: file, line: line)
            // Half a key is a leak too (e.g. a truncated dump).
            XCTAssertFalse(haystack.contains(hex.prefix(32)), "\(context): part of a private key appears in the output", file: file, line: line)
        }
    }
}
