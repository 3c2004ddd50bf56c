import Foundation
import TestHarness
import XCTest

/// Every command in `docs/operations.md` is one that a test or the demo runs. The guide's
/// commands (the lines of its `sh` blocks, `sudo` dropped) are matched against the list below,
/// which says for each what runs it and where; the check then reads that place to be sure it
/// still does. A command with no entry fails the test, and so does an entry no command uses.
///
/// Two kinds of exercise:
/// - `ran`: a test or script runs the command itself (on a DESTDIR tree with `--root`, or on a
///   throwaway database), and its source holds each of the given fragments.
/// - `systemd`: the command needs a running systemd (`systemctl start`, `journalctl`); a test plays
///   systemd's part with the unit's own values, and its source holds the given test name.
final class OperationsDocTests: XCTestCase {
    enum Exercise {
        case ran(file: String, fragments: [String])
        case systemd(file: String, test: String)
    }

    /// Command prefix → what exercises it. Longest prefixes are tried first.
    static let exercised: [(prefix: String, exercise: Exercise)] = [
        ("scripts/install.sh uninstall", .ran(file: "Tests/PackagingTests/InstallTests.swift", fragments: [#""uninstall", "--destdir""#])),
        ("scripts/install.sh", .ran(file: "Tests/PackagingTests/InstallTests.swift", fragments: [#""scripts/install.sh", ["--destdir""#])),
        ("systemd-sysusers /usr/lib/sysusers.d/paymentd.conf",
         .ran(file: "Tests/PackagingTests/InstallTests.swift", fragments: ["/usr/bin/systemd-sysusers", "/usr/lib/sysusers.d/paymentd.conf"])),
        ("systemd-tmpfiles --create /usr/lib/tmpfiles.d/paymentd.conf",
         .ran(file: "Tests/PackagingTests/InstallTests.swift", fragments: ["/usr/bin/systemd-tmpfiles", #""--create", destdir + "/usr/lib/tmpfiles.d/paymentd.conf""#])),
        ("install -m 0600 ", .ran(file: "Tests/PackagingTests/InstallTests.swift", fragments: [#""/usr/bin/install", ["-m", "0600""#])),
        ("systemctl enable --now paymentd.socket paymentd.service paymentd-health.timer",
         .ran(file: "Tests/PackagingTests/InstallTests.swift", fragments: [#""enable", "paymentd.socket", "paymentd.service""#])),
        ("systemctl enable --now mint-server.service",
         .ran(file: "Tests/PackagingTests/InstallTests.swift", fragments: [#""mint-server.service", "paymentd-health.timer""#])),
        ("systemctl status paymentd.service",
         .systemd(file: "Tests/PaymentDaemonTests/SocketActivationTests.swift",
                  test: "testReadyComesOnlyOnceTheSchemaAndNonceStateAreReadyAndTheInheritedSocketAnswers")),
        ("journalctl -u paymentd.service",
         .systemd(file: "Tests/PaymentDaemonTests/ConfigurationTests.swift", test: "testBrokenConfigurationsFailWithAMessageThatNamesTheProblem")),
        ("journalctl -p warning -u paymentd.service",
         .systemd(file: "Tests/PaymentDaemonTests/JournalLoggingTests.swift", test: "testUnderJournaldEveryLineHasItsPriorityAndTheLevelIsLive")),
        ("payctl settings set log_level debug", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"("log_level", "debug")"#, #"["settings", "set", key, value]"#])),
        ("payctl settings set log_level default",
         .ran(file: "Tests/PaymentDaemonTests/JournalLoggingTests.swift", fragments: [#"updateSetting(key: "log_level", value: "default")"#])),
        ("systemctl reload paymentd.service",
         .systemd(file: "Tests/PaymentDaemonTests/WatchdogAndReloadTests.swift",
                  test: "testSIGHUPReloadsSettingsChangedInTheTableBetweenReloadingAndReady")),
        ("systemctl stop mint-server.service",
         .systemd(file: "Tests/MintServerTests/MintServerEndToEndTests.swift", test: "testSIGTERMStopsMintServerGracefully")),
        ("systemctl stop paymentd.socket paymentd.service",
         .systemd(file: "Tests/PaymentDaemonTests/ShutdownAndCrashTests.swift",
                  test: "testSIGTERMWithPaymentsInFlightFinishesWhatItStartedWithinTheUnitsTimeoutStopSecAndARestartSettlesTheRest")),
        ("echo stats | socat - UNIX-CONNECT:", .ran(file: "Tests/PaymentDaemonTests/TranscriptAndSocatTests.swift", fragments: ["echo stats | \\(socat) - UNIX-CONNECT:"])),
        ("pg_dump --format=custom --file=", .ran(file: "Tests/PaymentDaemonTests/BackupTests.swift", fragments: [#"clientProgram("pg_dump"), ["--format=custom", "--file="#])),
        ("pg_restore --dbname=", .ran(file: "Tests/PaymentDaemonTests/BackupTests.swift", fragments: [#"clientProgram("pg_restore"), ["--dbname="#])),
        ("payctl stats", .ran(file: "Tests/OperatorProgramsTests/PayctlOutputTests.swift", fragments: [#"["stats"] + socket"#])),
        ("payctl migrate --database-url \"$DATABASE_URL\" --dry-run",
         .ran(file: "Tests/OperatorProgramsTests/PayctlDatabaseTests.swift", fragments: [#"["migrate", "--dry-run"] + database"#])),
        ("payctl migrate --database-url", .ran(file: "Tests/OperatorProgramsTests/PayctlDatabaseTests.swift", fragments: [#"["migrate"] + database"#])),
        ("payctl check-upgrade --database-url",
         .ran(file: "Tests/OperatorProgramsTests/PayctlDatabaseTests.swift", fragments: [#"["check-upgrade"] + database"#])),
        ("payctl list --status sent --older-than 60s",
         .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"["list", "--status", "sent", "--older-than", "60s"] + socket"#])),
        ("payctl retry ID", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"["retry", payment.paymentID] + socket"#])),
        ("payctl retry-mint ID", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"["retry-mint", payment.paymentID] + socket"#])),
        ("payctl list --refund-due", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"["list", "--refund-due"] + socket"#])),
        ("payctl refund ID", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"["refund", payment.paymentID, settledBy] + socket"#])),
        ("payctl watch", .ran(file: "Tests/OperatorProgramsTests/PayctlOutputTests.swift", fragments: [#"["watch", "--socket", bed.socketPath]"#])),
        ("payctl settings get", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"["settings", "get"] + socket"#])),
        ("payctl settings set payment_batch_size 50", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"("payment_batch_size", "50")"#, #"["settings", "set", key, value]"#])),
        ("payctl settings set finality_depth 120", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"("finality_depth", "120")"#, #"["settings", "set", key, value]"#])),
        ("payctl settings set mint_confirmations 3", .ran(file: "Tests/OperatorProgramsTests/PayctlGuideCommandsTests.swift", fragments: [#"("mint_confirmations", "3")"#, #"["settings", "set", key, value]"#])),
        ("paymentd-health --socket", .ran(file: "Tests/OperatorProgramsTests/HealthProgramTests.swift", fragments: [#"run("paymentd-health", ["--socket", bed.socketPath]"#])),
    ]

    func testEveryCommandInTheOperationsGuideIsExercisedByATestOrTheDemo() throws {
        let root = PaymentdWorkspace.repositoryRoot
        let guide = try String(contentsOfFile: root + "/docs/operations.md", encoding: .utf8)
        let commands = Self.commands(inMarkdown: guide)
        XCTAssertGreaterThan(commands.count, 20, "the guide's sh blocks were not found")
        let entries = Self.exercised.sorted { $0.prefix.count > $1.prefix.count }
        var used = Set<String>()
        for command in commands {
            guard let entry = entries.first(where: { command.hasPrefix($0.prefix) }) else {
                XCTFail("docs/operations.md runs `\(command)`, which no test or demo step exercises: run it in one and list it here")
                continue
            }
            used.insert(entry.prefix)
            switch entry.exercise {
            case .ran(let file, let fragments):
                let source = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
                for fragment in fragments {
                    XCTAssertTrue(source.contains(fragment), "`\(command)` is said to be run by \(file), which no longer holds \(fragment)")
                }
            case .systemd(let file, let test):
                let source = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
                XCTAssertTrue(source.contains("func \(test)()"), "`\(command)`: systemd's part is said to be played by \(file) \(test), which is gone")
            }
        }
        for entry in entries where !used.contains(entry.prefix) {
            XCTFail("no command of docs/operations.md starts with `\(entry.prefix)` any more: remove its entry")
        }
    }

    func testTheGuidesCommandsAreReadFromShellBlocksOnly() {
        let text = """
            Prose with `inline code` is not a command.

            ```sh
            sudo systemctl start x \\
                --now
            # a comment
            payctl stats
            ```

            ```
            not a shell block
            ```
            """
        XCTAssertEqual(Self.commands(inMarkdown: text), ["systemctl start x --now", "payctl stats"])
    }

    /// The command lines of the ```sh blocks: comments and blank lines dropped, continuation
    /// lines joined, a leading `sudo ` removed.
    static func commands(inMarkdown text: String) -> [String] {
        var commands: [String] = []
        var inBlock = false
        var pending = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inBlock = !inBlock && line == "```sh"
                continue
            }
            guard inBlock, !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast().trimmingCharacters(in: .whitespaces) + " "
                continue
            }
            var command = pending + line
            pending = ""
            if command.hasPrefix("sudo ") { command.removeFirst("sudo ".count) }
            commands.append(command)
        }
        return commands
    }
}
