import ArgumentParser
import OperatorCLI

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Ask the daemon to stop gracefully (admin).",
        discussion: """
            Example:
              payctl stop
            The daemon finishes in-flight broadcasts and their database writes, then exits 0.
            Under systemd prefer `systemctl stop paymentd`, which does the same and keeps the unit's state right.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let result = try await connection.session().send(.stop)
        StandardOutput.out(display.json ? JSONWriterText.lines([result]) : "paymentd is stopping (it drains in-flight work, then exits)\n")
    }
}
