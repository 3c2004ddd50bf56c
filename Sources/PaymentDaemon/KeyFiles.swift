import Ethereum
import Foundation

/// Reads private keys from files: never from argv, the environment or the socket
/// (DESIGN invariant 6). A relative name is looked up in `$CREDENTIALS_DIRECTORY` (systemd's
/// `LoadCredential=`) before the working directory. Error messages name the file, never its
/// contents.
public struct KeyFiles: Sendable {
    public let credentialsDirectory: String?

    public init(credentialsDirectory: String? = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"]) {
        self.credentialsDirectory = credentialsDirectory
    }

    public func path(for name: String) -> String {
        if name.hasPrefix("/") { return name }
        if let credentialsDirectory {
            let candidate = credentialsDirectory + "/" + name
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return name
    }

    public func read(_ name: String) throws(DaemonError) -> PrivateKey {
        // A key pasted where its file's name belongs must not be echoed into the log by the
        // "cannot read" message below.
        if (try? PrivateKey(hex: name.trimmingCharacters(in: .whitespacesAndNewlines))) != nil {
            throw .keyFile("a key file name is a private key itself; name the file that holds the key instead, and replace that key: it was on a command line or in a config file")
        }
        let path = path(for: name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .keyFile("cannot read \(path) (for systemd, use LoadCredential= and name the credential)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try PrivateKey(hex: text)
        } catch {
            throw .keyFile("\(path) does not hold a 32-byte hex private key")
        }
    }
}
