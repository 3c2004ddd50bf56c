import ArgumentParser
import OperatorCLI

struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that paymentd answers on its socket.",
        discussion: """
            Example:
              payctl ping && echo up
            Exit status 0 when the daemon answered, 3 when it could not be reached.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let session = connection.session()
        let result = try await session.send(.ping)
        StandardOutput.out(display.json ? JSONWriterText.lines([result]) : "paymentd answers on \(session.socketPath)\n")
    }
}
