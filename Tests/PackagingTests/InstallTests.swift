import Foundation
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `scripts/install.sh` into a DESTDIR, then the tree checked the way the host would use it:
/// systemd-analyze on the installed units (with the real binaries at their ExecStart= paths),
/// systemd-sysusers, systemd-tmpfiles and `systemctl enable` run against the tree with `--root`,
/// an existing configuration kept on reinstall, and uninstall removing what install recorded.
/// The release build is the command's own business; the test installs the binaries the tests
/// were built with (`--no-build --bin-dir`).
final class InstallTests: XCTestCase {
    let root = PaymentdWorkspace.repositoryRoot
    static let programs = ["paymentd", "payctl", "paymentd-health", "mint-server", "x402-buy"]
    static let units = ["paymentd.socket", "paymentd.service", "mint-server.service", "paymentd-health.service", "paymentd-health.timer"]

    func testInstallIntoADestdirPutsEveryFileWhereTheHostLooksVerifiesAndUninstallsWhatItRecorded() async throws {
        let binDirectory = URL(fileURLWithPath: try PaymentdProcess.binaryPath()).deletingLastPathComponent().path
        let destdir = try Self.makeDirectory()
        let install = try await run("scripts/install.sh", ["--destdir", destdir, "--no-build", "--bin-dir", binDirectory])
        XCTAssertEqual(install.status, 0, install.description)
        let fm = FileManager.default

        // Programs: every one this tree builds, and a clear note for the others.
        for program in Self.programs {
            let built = fm.isExecutableFile(atPath: binDirectory + "/" + program)
            XCTAssertEqual(fm.isExecutableFile(atPath: destdir + "/usr/bin/" + program), built, program)
            if !built { XCTAssertTrue(install.stderr.contains("skipped \(program)"), install.stderr) }
        }
        // Migrations where paymentd looks by default, all of them.
        let migrations = try fm.contentsOfDirectory(atPath: root + "/migrations").filter { $0.hasSuffix(".sql") }.sorted()
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: destdir + "/usr/share/paymentd/migrations").sorted(), migrations)
        // Units and snippets where systemd, systemd-sysusers and systemd-tmpfiles read them.
        for unit in Self.units {
            XCTAssertEqual(fm.contents(atPath: destdir + "/usr/lib/systemd/system/" + unit), fm.contents(atPath: root + "/systemd/" + unit), unit)
        }
        XCTAssertTrue(fm.fileExists(atPath: destdir + "/usr/lib/sysusers.d/paymentd.conf"))
        XCTAssertTrue(fm.fileExists(atPath: destdir + "/usr/lib/tmpfiles.d/paymentd.conf"))
        XCTAssertTrue(fm.fileExists(atPath: destdir + "/usr/share/doc/paymentd/operations.md"))
        // Configuration: the examples, mode 0640; an empty password file for the pgpass credential.
        for name in ["paymentd.conf", "mint-server.conf"] {
            let path = destdir + "/etc/paymentd/" + name
            XCTAssertEqual(fm.contents(atPath: path), fm.contents(atPath: root + "/systemd/etc/" + name), name)
            XCTAssertEqual(try Self.mode(path), 0o640, name)
            XCTAssertTrue(fm.fileExists(atPath: destdir + "/usr/share/doc/paymentd/examples/" + name))
        }
        XCTAssertEqual(try Self.mode(destdir + "/etc/credstore"), 0o700)
        XCTAssertEqual(try Self.mode(destdir + "/etc/credstore/paymentd.pgpass"), 0o600)
        // Completions come from payctl itself.
        let completions = ["/usr/share/bash-completion/completions/payctl", "/usr/share/zsh/vendor-completions/_payctl",
                           "/usr/share/fish/vendor_completions.d/payctl.fish"]
        let hasPayctl = fm.isExecutableFile(atPath: binDirectory + "/payctl")
        for path in completions { XCTAssertEqual(fm.fileExists(atPath: destdir + path), hasPayctl, path) }

        // systemd-analyze: verify (any warning fails) and security (paymentd.service "OK" or better).
        let verify = try await run("scripts/verify-units.sh", ["--root", destdir])
        XCTAssertEqual(verify.status, 0, verify.description)
        let verified = verify.stdout.split(separator: "\n").first { $0.hasPrefix("verified: ") }?.split(separator: " ").map(String.init) ?? []
        XCTAssertTrue(verified.contains("paymentd.socket") && verified.contains("paymentd.service"), verify.stdout)
        let score = try XCTUnwrap(verify.stdout.split(separator: "\n").first { $0.hasPrefix("security: paymentd.service ") }, verify.stdout)
        XCTAssertTrue(score.hasSuffix(" OK") || score.hasSuffix(" SAFE"), String(score))
        print(score)
        for program in ["mint-server", "paymentd-health"] where fm.isExecutableFile(atPath: binDirectory + "/" + program) {
            XCTAssertFalse(verify.stdout.contains("not verified: \(program)"), "\(program) is built, so its unit must be verified: \(verify.stdout)")
        }

        // What the host does next, against the tree (the operator guide's commands, with --root).
        // With --root the tools read the tree's user database, but take the file named as it is given.
        let sysusers = try await run("/usr/bin/systemd-sysusers", ["--root=\(destdir)", destdir + "/usr/lib/sysusers.d/paymentd.conf"])
        XCTAssertEqual(sysusers.status, 0, sysusers.description)
        let group = try String(contentsOfFile: destdir + "/etc/group", encoding: .utf8)
        let paymentdGroup = try XCTUnwrap(group.split(separator: "\n").first { $0.hasPrefix("paymentd:") }, group)
        XCTAssertTrue(paymentdGroup.hasSuffix(":mint-server,paymentd-health") || paymentdGroup.hasSuffix(":paymentd-health,mint-server"),
                      String(paymentdGroup))
        let passwd = try String(contentsOfFile: destdir + "/etc/passwd", encoding: .utf8)
        for user in ["paymentd", "mint-server", "paymentd-health"] { XCTAssertTrue(passwd.contains("\n\(user):") || passwd.hasPrefix("\(user):"), passwd) }

        let tmpfiles = try await run("/usr/bin/systemd-tmpfiles", ["--root=\(destdir)", "--create", destdir + "/usr/lib/tmpfiles.d/paymentd.conf"])
        XCTAssertEqual(tmpfiles.status, 0, tmpfiles.description)
        let gid = try XCTUnwrap(UInt32(paymentdGroup.split(separator: ":")[2]))
        for (path, mode, group) in [("/run/paymentd", 0o750, gid), ("/etc/paymentd", 0o750, gid), ("/etc/credstore", 0o700, 0)] {
            var info = stat()
            XCTAssertEqual(lstat(destdir + path, &info), 0, path)
            XCTAssertEqual(info.st_mode & 0o7777, mode_t(mode), path)
            XCTAssertEqual(info.st_gid, group, path)
        }
        XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: destdir + "/var/lib/prometheus/node-exporter/paymentd.prom"),
                       "/var/lib/paymentd-health/paymentd.prom")

        // Keys into the credential store, as the guide copies them (this tree's stand-in keys).
        for (file, credential) in [("relayer-0.key", "paymentd.signer-0"), ("minter.key", "paymentd.minter")] {
            let source = destdir + "/" + file
            try Data("0x\(String(repeating: "11", count: 32))\n".utf8).write(to: URL(fileURLWithPath: source))
            let copied = try await run("/usr/bin/install", ["-m", "0600", source, destdir + "/etc/credstore/" + credential])
            XCTAssertEqual(copied.status, 0, copied.description)
            XCTAssertEqual(try Self.mode(destdir + "/etc/credstore/" + credential), 0o600)
        }
        let credentials = try SystemdUnitFile(path: destdir + "/usr/lib/systemd/system/paymentd.service").credentials
        for credential in credentials {
            XCTAssertTrue(fm.fileExists(atPath: destdir + credential.path), "LoadCredential=\(credential.id) needs \(credential.path)")
        }

        let enable = try await run("/usr/bin/systemctl", ["--root=\(destdir)", "enable", "paymentd.socket", "paymentd.service",
                                                          "mint-server.service", "paymentd-health.timer"])
        XCTAssertEqual(enable.status, 0, enable.description)
        for link in ["sockets.target.wants/paymentd.socket", "multi-user.target.wants/paymentd.service",
                     "multi-user.target.wants/mint-server.service", "timers.target.wants/paymentd-health.timer"] {
            XCTAssertNotNil(try? fm.destinationOfSymbolicLink(atPath: destdir + "/etc/systemd/system/" + link), link)
        }

        // A second install keeps the operator's configuration.
        let config = destdir + "/etc/paymentd/paymentd.conf"
        try Data("chain_id = 84532\n".utf8).write(to: URL(fileURLWithPath: config))
        let again = try await run("scripts/install.sh", ["--destdir", destdir, "--no-build", "--bin-dir", binDirectory])
        XCTAssertEqual(again.status, 0, again.description)
        XCTAssertEqual(try String(contentsOfFile: config, encoding: .utf8), "chain_id = 84532\n")
        XCTAssertTrue(again.stderr.contains("kept /etc/paymentd/paymentd.conf"), again.stderr)

        // Uninstall: what install recorded goes; changed configuration and credentials stay.
        let uninstall = try await run("scripts/install.sh", ["uninstall", "--destdir", destdir])
        XCTAssertEqual(uninstall.status, 0, uninstall.description)
        XCTAssertFalse(fm.fileExists(atPath: destdir + "/usr/bin/paymentd"))
        XCTAssertFalse(fm.fileExists(atPath: destdir + "/usr/share/paymentd"))
        for unit in Self.units { XCTAssertFalse(fm.fileExists(atPath: destdir + "/usr/lib/systemd/system/" + unit), unit) }
        XCTAssertFalse(fm.fileExists(atPath: destdir + "/usr/lib/sysusers.d/paymentd.conf"))
        XCTAssertFalse(fm.fileExists(atPath: destdir + "/etc/paymentd/mint-server.conf"), "an unchanged example goes")
        XCTAssertTrue(fm.fileExists(atPath: config), "a changed configuration stays")
        XCTAssertTrue(fm.fileExists(atPath: destdir + "/etc/credstore/paymentd.pgpass"), "credentials are never removed")
    }

    func testAnotherPrefixRewritesThePathsTheUnitsAndTheConfigurationName() async throws {
        let binDirectory = URL(fileURLWithPath: try PaymentdProcess.binaryPath()).deletingLastPathComponent().path
        let destdir = try Self.makeDirectory()
        let install = try await run("scripts/install.sh", ["--destdir", destdir, "--prefix", "/usr/local", "--no-build", "--bin-dir", binDirectory])
        XCTAssertEqual(install.status, 0, install.description)
        let unit = try SystemdUnitFile(path: destdir + "/usr/local/lib/systemd/system/paymentd.service")
        XCTAssertEqual(unit.execStart.first, "/usr/local/bin/paymentd")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: destdir + "/usr/local/bin/paymentd"))
        // systemd-sysusers and systemd-tmpfiles read /usr/lib and /etc only.
        XCTAssertTrue(FileManager.default.fileExists(atPath: destdir + "/etc/sysusers.d/paymentd.conf"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: destdir + "/etc/tmpfiles.d/paymentd.conf"))
        let config = try String(contentsOfFile: destdir + "/etc/paymentd/paymentd.conf", encoding: .utf8)
        XCTAssertTrue(config.contains("\nmigrations_dir = /usr/local/share/paymentd/migrations\n"), "paymentd's default is /usr/share: \(config)")
        let verify = try await run("scripts/verify-units.sh", ["--root", destdir, "--prefix", "/usr/local"])
        XCTAssertEqual(verify.status, 0, verify.description)
        let help = try await run("scripts/install.sh", ["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--destdir"), help.stdout)
        let wrong = try await run("scripts/install.sh", ["--frobnicate"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("unknown argument: --frobnicate"), wrong.stderr)
    }

    // MARK: Helpers

    /// Runs a script of the repository (or an absolute tool) from the repository root.
    private func run(_ program: String, _ arguments: [String]) async throws -> ChildProcess.Result {
        let executable = program.hasPrefix("/") ? program : root + "/" + program
        var environment = ProcessInfo.processInfo.environment
        environment["DESTDIR"] = nil
        environment["PREFIX"] = nil
        let values = environment
        return try await BlockingWork.run { try ChildProcess.run(executable, arguments, environment: values, timeoutSeconds: 300) }
    }

    static func mode(_ path: String) throws -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw HarnessError("lstat \(path): \(String(cString: strerror(errno)))") }
        return info.st_mode & 0o7777
    }

    static func makeDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/paymentd-destdir-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        ExitCleanup.shared.removeAtExit(directory: path)
        return path
    }
}
