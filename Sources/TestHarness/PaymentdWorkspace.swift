import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory holding what `paymentd` is started with: a config file of
/// `key = value` lines for a devchain deployment and a database, and the signer and minter
/// keys in files of mode 0600 (keys never go into argv or the environment). Daemons started
/// from one workspace share its database and socket path, which is what a restart is.
///
/// The directory is mode 0755, so a client running as another user can reach the socket (its
/// own mode then decides). It is removed when the test process exits.
public final class PaymentdWorkspace: Sendable {
    public let directory: String
    public let deployment: DevchainDeployment
    public let databaseURL: String
    public let socketPath: String
    /// The config file every daemon of this workspace reads unless told otherwise.
    public let configPath: String
    public let signerKeyPaths: [String]
    public let minterKeyPath: String
    /// The settings written to `configPath`, in order.
    public let settings: [(key: String, value: String)]
    /// The configured price of one item of the devchain's mint token (0.001 USDC), and the most
    /// items one payment may buy: a test payment pays `unitPrice × quantity`.
    public static let unitPrice: UInt64 = 1_000
    public static let maxQuantity = 10

    /// Creates the directory, writes the key files (the first `signerCount` devchain signers and
    /// the minter) and the config file. `overrides` replace or add settings (a nil value
    /// removes one).
    public init(deployment: DevchainDeployment, databaseURL: String, signerCount: Int? = nil,
                logLevel: String = "info", overrides: [String: String?] = [:]) throws {
        directory = try Self.makeDirectory()
        self.deployment = deployment
        self.databaseURL = databaseURL
        socketPath = directory + "/paymentd.sock"
        configPath = directory + "/paymentd.conf"
        let signers = Array(deployment.signers.prefix(signerCount ?? deployment.signers.count))
        var paths: [String] = []
        for (index, signer) in signers.enumerated() {
            let path = directory + "/signer-\(index).key"
            try Self.writeSecret(signer.privateKey + "\n", to: path)
            paths.append(path)
        }
        signerKeyPaths = paths
        minterKeyPath = directory + "/minter.key"
        try Self.writeSecret(deployment.minter.privateKey + "\n", to: minterKeyPath)
        var settings: [(key: String, value: String)] = [
            ("socket_path", socketPath),
            ("database_url", databaseURL),
            ("rpc_url", deployment.rpcURL),
            ("chain_id", String(deployment.chainID)),
            ("receiver", deployment.receiver),
            ("payment_tokens", "\(deployment.usdc):\(deployment.usdcName):\(deployment.usdcVersion)"),
            ("mint_tokens", deployment.mintToken),
            ("prices", "\(deployment.mintToken):\(deployment.usdc):\(Self.unitPrice):\(Self.maxQuantity)"),
            ("signer_key_files", paths.joined(separator: ",")),
            ("minter_key_file", minterKeyPath),
            ("migrations_dir", Devchain.repositoryRoot + "/migrations"),
            ("log_level", logLevel),
        ]
        Self.apply(overrides, to: &settings)
        self.settings = settings
        try Self.write(Self.configText(settings), to: configPath, mode: 0o644)
        ExitCleanup.shared.removeAtExit(directory: directory)
    }

    /// The repository root (migrations, protocol transcripts).
    public static var repositoryRoot: String { Devchain.repositoryRoot }

    /// Every private key this workspace holds (signers and minter), `0x`-prefixed: what a log,
    /// a summary or argv must never contain.
    public var privateKeys: [String] {
        Array(deployment.signers.prefix(signerKeyPaths.count).map(\.privateKey)) + [deployment.minter.privateKey]
    }

    /// Writes another config file into the workspace (the settings of `configPath` with
    /// `overrides` applied, plus `extraLines` verbatim) and returns its path.
    public func writeConfig(named name: String, overrides: [String: String?] = [:], extraLines: [String] = []) throws -> String {
        var settings = self.settings
        Self.apply(overrides, to: &settings)
        let path = directory + "/" + name
        try Self.write(Self.configText(settings) + extraLines.map { $0 + "\n" }.joined(), to: path, mode: 0o644)
        return path
    }

    /// Writes a file of mode 0600 into the workspace (or `directory`) and returns its path.
    @discardableResult
    public func writeSecret(_ text: String, named name: String, in directory: String? = nil) throws -> String {
        let path = (directory ?? self.directory) + "/" + name
        try Self.writeSecret(text, to: path)
        return path
    }

    /// A new empty directory inside the workspace, mode 0700 (a stand-in for
    /// `$CREDENTIALS_DIRECTORY`).
    public func makeSubdirectory(_ name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// The text of every log file in the workspace (each daemon started from it writes one).
    public func allLogs() -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".log") }.sorted().map { name in
            String(decoding: FileManager.default.contents(atPath: directory + "/" + name) ?? Data(), as: UTF8.self)
        }.joined(separator: "\n")
    }

    static func configText(_ settings: [(key: String, value: String)]) -> String {
        "# paymentd test configuration\n" + settings.map { "\($0.key) = \($0.value)\n" }.joined()
    }

    private static func apply(_ overrides: [String: String?], to settings: inout [(key: String, value: String)]) {
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            if let index = settings.firstIndex(where: { $0.key == key }) {
                if let value { settings[index].value = value } else { settings.remove(at: index) }
            } else if let value {
                settings.append((key, value))
            }
        }
    }

    private static func writeSecret(_ text: String, to path: String) throws {
        try write(text, to: path, mode: 0o600)
    }

    private static func write(_ text: String, to path: String, mode: mode_t) throws {
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw HarnessError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw HarnessError("cannot write \(path): \(String(cString: strerror(errno)))") }
        fchmod(descriptor, mode)
    }

    private static func makeDirectory() throws -> String {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base + "/paymentd-daemon-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw HarnessError("mkdtemp failed in \(base): \(String(cString: strerror(errno)))") }
        let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        chmod(path, 0o755)
        return path
    }
}
