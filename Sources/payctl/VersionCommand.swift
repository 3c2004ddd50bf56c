import ArgumentParser
import LineProtocolCodec
import OperatorCLI

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the daemon's version and protocol number.",
        discussion: """
            Example:
              payctl version
            payctl speaks protocol \(DaemonVersion.currentProtocol); a daemon with another number may not understand it.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let session = connection.session()
        let result = try await session.send(.version)
        if display.json {
            StandardOutput.out(JSONWriterText.lines([result]))
            return
        }
        let version = try session.decode(result, DaemonVersion.init(wire:))
        var text = "\(version.daemon), protocol \(version.protocolVersion)\n"
        if version.protocolVersion != DaemonVersion.currentProtocol {
            text += "warning: this payctl speaks protocol \(DaemonVersion.currentProtocol); use the payctl of the daemon's release\n"
        }
        StandardOutput.out(text)
    }
}
