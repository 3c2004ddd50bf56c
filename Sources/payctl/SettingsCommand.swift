import ArgumentParser
import JSON
import LineProtocolCodec
import OperatorCLI

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Read or change the daemon's live settings.",
        discussion: """
            Examples:
              payctl settings get
              payctl settings set payment_batch_size 50
            Changes apply to the running loops at once, no restart.
            """,
        subcommands: [Get.self, Set.self],
        defaultSubcommand: Get.self)

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every setting with its value and description.",
            discussion: """
                Example:
                  payctl settings get --json | jq -r 'select(.key == "payment_batch_size") | .value'
                """)

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        func run() async throws {
            let session = connection.session()
            try SettingsCommand.show(try await session.send(.settingsGet), session: session, display: display)
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change one setting (admin); the daemon checks the value.",
            discussion: """
                Example:
                  payctl settings set confirmations_required 3
                An unknown key or a bad value is refused (exit status 1) and nothing changes.
                """)

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Argument(help: "The setting's key, as `payctl settings get` lists it.")
        var key: String

        // Taken as it comes, so a negative number is a value, not an unknown flag.
        @Argument(parsing: .allUnrecognized, help: "The new value (the daemon checks it).")
        var value: [String] = []

        func validate() throws {
            guard value.count == 1 else { throw ValidationError("Give exactly one value, e.g. payctl settings set payment_batch_size 50.") }
        }

        func run() async throws {
            let session = connection.session()
            try SettingsCommand.show(try await session.send(.settingsSet(key: key, value: value[0])), session: session, display: display)
        }
    }

    static func show(_ result: JSONValue, session: DaemonSession, display: DisplayOptions) throws {
        if display.json {
            StandardOutput.out(JSONWriterText.lines(result["settings"]?.arrayValue ?? []))
            return
        }
        StandardOutput.out(SettingsView.render(try session.decode(result, ListResult.settings(wire:))))
    }
}
